using System.Net.Sockets;
using ActorNet.IntegrationTests.EndToEnd;
using ActorNet.IntegrationTests.Support;
using ActorNet.Sinks;
using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// PostgreSQL stopped and started again under a running stream. It has a server of its own: stopping the shared
/// one would fail the specs running beside it.
/// </summary>
public sealed class PostgresOutageSpec : IClassFixture<PostgresServer>
{
    private const int Peers = 10, LinesPerPeer = 1_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly PostgresServer _server;

    public PostgresOutageSpec(PostgresServer server) => _server = server;

    [PostgresFact]
    public async Task Frames_of_a_stream_cut_by_a_database_restart_are_all_stored_exactly_once()
    {
        var table = PostgresServer.UniqueTable("outage");
        var source = TestConfig.UniqueSourceName("postgres-outage");
        var port = Loopback.FreePort();
        var traffic = Enumerable.Range(0, Peers).Select(TextLines).ToArray();
        var expected = traffic.Sum(t => t.Frames.Count);
        var failures = 0;

        var sent = new Dictionary<string, PeerTraffic>();
        await using (PostgresPipeline.Start(source, port, "parser = text",
                         () => new FailureCountingSink(new PostgresSink(_server.ConnectionString, table), () => Interlocked.Increment(ref failures))))
        {
            var sockets = new List<Socket>();
            try
            {
                foreach (var peer in traffic)
                {
                    var socket = await Loopback.ConnectAsync(port);
                    sockets.Add(socket);
                    sent[socket.PeerName()] = peer;
                }
                var halves = traffic.Select(Halves).ToArray();
                await Task.WhenAll(sockets.Select((s, i) => SendAllAsync(s, halves[i].First)));

                // Stop the server while the sink is still storing the first halves, most likely inside a COPY.
                await Eventually.TrueAsync(() => _server.Count(table) >= expected / 10, Bound, () => $"the first rows in {table}; {_server.Count(table)} so far");
                _server.Stop();

                // The rest of every stream arrives while the database is down; the sink's writes fail and are retried.
                await Task.WhenAll(sockets.Select((s, i) => SendAllAsync(s, halves[i].Second)));
                foreach (var socket in sockets) socket.Shutdown(SocketShutdown.Send);
                await Eventually.TrueAsync(() => Volatile.Read(ref failures) > 0, Bound, () => "a failed write while the database is down");
                _server.Start();

                await Task.WhenAll(sockets.Select(s => s.AwaitClosedByServerAsync(Bound)));
                await Eventually.TrueAsync(() => _server.Count(table) >= expected, Bound, () => $"{expected} rows in {table}; {_server.Count(table)} so far");
            }
            finally
            {
                foreach (var socket in sockets) socket.Dispose();
            }
        }

        StoredFrames.Check(_server, table, source, sent, "payload", FrameContent.Utf8.GetString);
    }

    /// <summary>Lines of multi-byte text, then one of invalid UTF-8 (a quarantine row).</summary>
    private static PeerTraffic TextLines(int peer)
    {
        var random = new Random(9_000 + peer);
        var frames = Enumerable.Range(0, LinesPerPeer)
            .Select(i => FrameContent.Utf8.GetBytes($"peer {peer} line {i} {FrameContent.Text(random, 12)}"))
            .Select(line => SentFrame.Good(line, [.. line, (byte)'\n']))
            .ToList();
        var bad = FrameContent.WithInvalidUtf8(random, $"peer {peer} bad ", " end");
        frames.Add(SentFrame.Bad(bad, [.. bad, (byte)'\n'], "invalid-utf8"));
        return new PeerTraffic(9_000 + peer, frames);
    }

    /// <summary>The stream cut between two frames, halfway.</summary>
    private static (byte[] First, byte[] Second) Halves(PeerTraffic peer)
    {
        var first = peer.Frames.Take(peer.Frames.Count / 2).Sum(f => f.Wire.Length);
        return (peer.Stream[..first], peer.Stream[first..]);
    }

    private static async Task SendAllAsync(Socket socket, byte[] bytes)
    {
        for (var sent = 0; sent < bytes.Length;) sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }
}
