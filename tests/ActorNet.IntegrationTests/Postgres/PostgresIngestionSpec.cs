using System.Text.Json;
using ActorNet.IntegrationTests.EndToEnd;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>ActorNet end to end into PostgreSQL: real peers on loopback, a real server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIngestionSpec
{
    private const int Peers = 10, LinesPerPeer = 1_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly PostgresServer _server;

    public PostgresIngestionSpec(PostgresServer server) => _server = server;

    [PostgresFact]
    public async Task Every_frame_from_ten_peers_is_stored_exactly_once_in_order_per_connection()
    {
        var table = PostgresServer.UniqueTable("frames");
        var source = TestConfig.UniqueSourceName("postgres");
        var port = Loopback.FreePort();
        var traffic = Enumerable.Range(0, Peers).Select(JsonLines).ToArray();
        var expected = traffic.Sum(t => t.Frames.Count);

        IReadOnlyDictionary<string, PeerTraffic> sent;
        await using (PostgresPipeline.StartConfigured(source, port, "parser = json", _server.ConnectionString, table))
        {
            sent = await TrafficSender.SendAsync(port, traffic, Bound);
            await Eventually.TrueAsync(() => _server.Count(table) >= expected, Bound, () => $"{expected} rows in {table}; {_server.Count(table)} so far");
        }

        StoredFrames.Check(_server, table, source, sent, "payload->>'text'", TextOf);
    }

    /// <summary>JSON lines with multi-byte text, then one line that is not JSON (a quarantine row).</summary>
    private static PeerTraffic JsonLines(int peer)
    {
        var random = new Random(7_000 + peer);
        var frames = Enumerable.Range(0, LinesPerPeer)
            .Select(i => FrameContent.Utf8.GetBytes($$"""{"peer":{{peer}},"i":{{i}},"text":{{FrameContent.JsonString(FrameContent.Text(random, 12))}}}"""))
            .Select(line => SentFrame.Good(line, [.. line, (byte)'\n']))
            .ToList();
        var bad = FrameContent.Utf8.GetBytes($"{{\"peer\":{peer}, oops}}");
        frames.Add(SentFrame.Bad(bad, [.. bad, (byte)'\n'], "invalid-json"));
        return new PeerTraffic(7_000 + peer, frames);
    }

    private static string TextOf(byte[] frame) => JsonDocument.Parse(frame).RootElement.GetProperty("text").GetString()!;
}
