using System.Net.Sockets;
using System.Text;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Support;
using ActorNet.Hosting;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>Specs that measure the process's heap: nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuring
{
    public const string Name = "heap-measuring";
}

/// <summary>
/// Long PostgreSQL outages with a spool: ActorNet keeps reading into the sink's on-disk spool (memory stays flat),
/// stops reading once the spool is full, and writes everything in order once the database is back. A server of
/// its own, since these specs stop it.
/// </summary>
[Collection(HeapMeasuring.Name)]
public sealed class PostgresSpoolSpec : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly PostgresServer _server;
    private readonly ITestOutputHelper _output;

    public PostgresSpoolSpec(PostgresServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    [PostgresFact]
    public async Task A_stream_of_50000_frames_cut_by_an_outage_is_stored_exactly_once_in_order_with_memory_bounded()
    {
        const int peers = 5, framesPerPeer = 10_000, frameSize = 1_000;
        using var spool = new TempDirectory();
        var table = PostgresServer.UniqueTable("spooled");
        await using var actornet = Start(table, spool.Path, maxSpoolSize: "256 MiB", maxInflight: 2_000);
        var sink = actornet.Service.Status.Sink("db")!;

        var sockets = await ConnectAsync(actornet.Port, peers);
        try
        {
            // A first part while the database is up; then the database goes away mid-stream.
            await Task.WhenAll(sockets.Select((s, p) => SendAsync(s, p, 0, framesPerPeer / 10, frameSize)));
            await Eventually.TrueAsync(() => _server.Count(table) >= 1_000, Bound, () => $"the first rows in {table}");
            _server.Stop();

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

            // 45 MB more arrive during the outage: far more than memory may hold, and more than the peers' TCP buffers.
            await Task.WhenAll(sockets.Select((s, p) => SendAsync(s, p, framesPerPeer / 10, framesPerPeer, frameSize))).WaitAsync(Bound);
            await Eventually.TrueAsync(() => actornet.Service.Status.Sources[0].FramesReceived == peers * framesPerPeer, Bound,
                () => $"every frame read during the outage; {actornet.Service.Status.Sources[0].FramesReceived} so far");
            await Eventually.TrueAsync(() => sink.BacklogFrames > 40_000 && !sink.CanWrite, Bound,
                () => $"the backlog in the spool; backlog {sink.BacklogFrames}, spool {sink.SpoolBytes} bytes");

            var heapDuring = GC.GetTotalMemory(forceFullCollection: true);
            _output.WriteLine($"heap before {heapBefore:N0}, during {heapDuring:N0}; spool {sink.SpoolBytes:N0} bytes, backlog {sink.BacklogFrames:N0}");
            Assert.True(sink.SpoolBytes > 40_000_000, $"the outage's frames are on disk: {sink.SpoolBytes} bytes spooled");
            Assert.True(heapDuring - heapBefore < 24 * 1024 * 1024,
                $"the outage held {heapDuring - heapBefore:N0} bytes in memory while {sink.SpoolBytes:N0} bytes went to the spool");

            _server.Start();
            await Eventually.TrueAsync(() => _server.Count(table) >= peers * framesPerPeer && sink.BacklogFrames == 0, Bound,
                () => $"{peers * framesPerPeer} rows; {_server.Count(table)} so far, backlog {sink.BacklogFrames}");
            Assert.True(sink.CanWrite);
            Assert.Empty(Directory.GetFiles(Path.Combine(spool.Path, "db"), "*.seg"));
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }

        AssertStoredInOrder(table, peers, framesPerPeer);
    }

    [PostgresFact]
    public async Task When_the_spool_is_full_the_source_stops_reading_and_loses_nothing()
    {
        const int framesPerPeer = 40_000, frameSize = 1_000;
        const long maxSpool = 1024 * 1024;
        using var spool = new TempDirectory();
        var table = PostgresServer.UniqueTable("spoolfull");
        await using var actornet = Start(table, spool.Path, maxSpoolSize: "1 MiB", maxInflight: 500);
        var sink = actornet.Service.Status.Sink("db")!;
        var source = actornet.Service.Status.Sources[0];

        var sockets = await ConnectAsync(actornet.Port, 1);
        try
        {
            await SendAsync(sockets[0], 0, 0, 10, frameSize);
            await Eventually.TrueAsync(() => _server.Count(table) == 10, Bound, () => $"the first rows in {table}");
            _server.Stop();

            // 40 MB: more than the spool, ActorNet's credits and both kernels' socket buffers together.
            var sending = SendAsync(sockets[0], 0, 10, framesPerPeer, frameSize);
            await Eventually.TrueAsync(() => sink.SpoolBytes > maxSpool / 2 && !sink.CanWrite, Bound,
                () => $"the spool filling; {sink.SpoolBytes} bytes");
            // Reading stops: the count of frames read settles below what the peer has to send.
            var settled = await Eventually.ValueAsync(() => source.FramesReceived, Unchanged(), Bound, "frames read to settle");
            _output.WriteLine($"read {settled:N0} of {framesPerPeer:N0}; spool {sink.SpoolBytes:N0} bytes, backlog {sink.BacklogFrames:N0}");
            Assert.True(settled < framesPerPeer / 2, $"ActorNet stopped reading: {settled} of {framesPerPeer} frames read");
            Assert.False(sending.IsCompleted, "the peer's sends wait for ActorNet to read again");
            Assert.True(sink.SpoolBytes <= maxSpool, $"the spool stays within max-spool-size: {sink.SpoolBytes} bytes");
            Assert.True(sink.BacklogFrames <= maxSpool / frameSize + 500 + 100,
                $"what is not spooled waits within the connection's credits: backlog {sink.BacklogFrames}");

            _server.Start();
            await sending.WaitAsync(Bound);
            await Eventually.TrueAsync(() => _server.Count(table) >= framesPerPeer && sink.BacklogFrames == 0, Bound,
                () => $"{framesPerPeer} rows; {_server.Count(table)} so far, backlog {sink.BacklogFrames}");
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }

        AssertStoredInOrder(table, 1, framesPerPeer);
    }

    /// <summary>Accepts a value once two reads 1 s apart agree (the reader polls every few ms; this compares).</summary>
    private static Func<long, bool> Unchanged()
    {
        var last = -1L;
        var since = DateTime.UtcNow;
        return value =>
        {
            if (value != last)
            {
                last = value;
                since = DateTime.UtcNow;
                return false;
            }
            return DateTime.UtcNow - since > TimeSpan.FromSeconds(1);
        };
    }

    private void AssertStoredInOrder(string table, int peers, int framesPerPeer)
    {
        var rows = _server.Query($"SELECT connection, seq, payload FROM \"{table}\" ORDER BY connection, seq");
        Assert.Equal(peers * framesPerPeer, rows.Count);
        foreach (var connection in rows.GroupBy(r => (long)r[0]!))
        {
            var stored = connection.ToList();
            Assert.Equal(framesPerPeer, stored.Count);
            var peer = ((string)stored[0][2]!)[..((string)stored[0][2]!).IndexOf(' ', 5)];
            for (var i = 0; i < stored.Count; i++)
            {
                Assert.Equal(i + 1L, (long)stored[i][1]!);
                Assert.StartsWith($"{peer} frame {i:D6} ", (string)stored[i][2]!);
            }
        }
    }

    private RunningActorNet Start(string table, string spoolDir, string maxSpoolSize, int maxInflight)
    {
        var port = Loopback.FreePort();
        var settings = ActorNetSettings.Parse($$"""
            actornet {
              sources.spooled {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                parser = text, sinks = [ db ], quarantine = db
                max-inflight-frames = {{maxInflight}}
              }
              sinks.db {
                type = postgres, connection-string = "{{_server.ConnectionString}}", table = {{table}}
                spool-dir = "{{spoolDir}}", max-spool-size = {{maxSpoolSize}}, probe-interval = 200ms
              }
            }
            """);
        var system = ActorSystem.Create("spool-spec", ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING");
        return new RunningActorNet(system, ActorNetService.Start(system, settings), port);
    }

    private static async Task<List<Socket>> ConnectAsync(int port, int peers)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < peers; i++) sockets.Add(await Loopback.ConnectAsync(port));
        return sockets;
    }

    /// <summary>Frames <paramref name="from"/>..<paramref name="to"/>-1 of a peer: "peer P frame NNNNNN " padded to the size.</summary>
    private static async Task SendAsync(Socket socket, int peer, int from, int to, int size)
    {
        var chunk = new byte[64 * size];
        var filled = 0;
        for (var i = from; i < to; i++)
        {
            var head = Encoding.ASCII.GetBytes($"peer{peer} frame {i:D6} ");
            head.CopyTo(chunk, filled);
            chunk.AsSpan(filled + head.Length, size - head.Length - 1).Fill((byte)'x');
            chunk[filled + size - 1] = (byte)'\n';
            filled += size;
            if (filled == chunk.Length || i == to - 1)
            {
                for (var sent = 0; sent < filled;) sent += await socket.SendAsync(chunk.AsMemory(sent, filled - sent), SocketFlags.None);
                filled = 0;
            }
        }
    }

    private sealed class RunningActorNet(ActorSystem system, ActorNetService service, int port) : IAsyncDisposable
    {
        public ActorNetService Service { get; } = service;
        public int Port { get; } = port;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Service.DrainAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                await system.Terminate();
            }
        }
    }
}
