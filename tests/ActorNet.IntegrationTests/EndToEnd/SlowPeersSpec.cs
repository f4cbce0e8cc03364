using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>
/// Slowloris: peers that open a frame and trickle it a byte at a time, which idle-timeout never closes, are closed
/// by frame-timeout, their partial frames quarantined, while peers that stream normally lose nothing.
/// </summary>
public sealed class SlowPeersSpec
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TrickleInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const int SlowPeerCount = 1000;
    private const int StreamingPeerCount = 4;

    [Fact]
    public async Task A_thousand_peers_trickling_a_byte_every_half_second_are_closed_by_frame_timeout_and_streaming_peers_lose_nothing()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var source = TestConfig.UniqueSourceName("slowloris");
        using var metrics = new SourceMetrics(source);
        await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            $"frame-timeout = {FrameTimeout.TotalMilliseconds}ms, parser = text, max-connections = {2 * SlowPeerCount}"));
        var clock = Stopwatch.StartNew();

        var streaming = new List<StreamingPeer>();
        for (var i = 0; i < StreamingPeerCount; i++) streaming.Add(new StreamingPeer(await Loopback.ConnectAsync(port), i));
        using var stopStreaming = new CancellationTokenSource();
        var streams = streaming.Select(p => p.StreamUntilAsync(stopStreaming.Token)).ToArray();

        var slow = new List<SlowPeer>();
        try
        {
            foreach (var batch in Enumerable.Range(0, SlowPeerCount).Chunk(100))
                slow.AddRange(await Task.WhenAll(batch.Select(_ => SlowPeer.StartAsync(port, clock))));

            await TrickleUntilClosedAsync(slow, clock);

            var open = slow.Count(p => !p.Closed.IsCompleted);
            Assert.True(open == 0, $"{open} of {SlowPeerCount} trickling peers still open after {Bound.TotalSeconds} s:{Environment.NewLine}{net.Log.Dump("Connection")}");
            var earliest = slow.Min(p => p.ClosedAfter);
            Assert.True(earliest >= FrameTimeout - TimeSpan.FromMilliseconds(50),
                $"a trickling peer was closed {earliest.TotalMilliseconds:0} ms after its first byte, before frame-timeout ({FrameTimeout})");
            Assert.All(slow, p => Assert.True(p.BytesSent >= 2, $"{p.Name} sent {p.BytesSent} bytes: the test did not trickle"));

            stopStreaming.Cancel();
            var sent = await Task.WhenAll(streams);

            // Every line of every streaming peer, in order, and nothing of theirs quarantined.
            var frames = directory.File("frames.jsonl");
            for (var i = 0; i < streaming.Count; i++)
            {
                var peer = streaming[i];
                Assert.True(sent[i] > 0, $"streaming peer {i} sent nothing");
                var lines = await Eventually.ValueAsync(() => PayloadsOf(frames, peer.Name), l => l.Count >= sent[i], Bound,
                    $"{sent[i]} lines of streaming peer {i}");
                Assert.Equal(Enumerable.Range(0, sent[i]).Select(n => StreamingPeer.Line(peer.Index, n)), lines);
            }

            // One quarantined partial frame per trickling peer, with what it sent before its close.
            var quarantine = directory.File("quarantine.jsonl");
            var records = await Eventually.ValueAsync(() => JsonlRecords.Read(quarantine), r => r.Count >= SlowPeerCount, Bound,
                $"{SlowPeerCount} quarantined partial frames");
            Assert.Equal(SlowPeerCount, records.Count);
            Assert.All(records, r =>
            {
                Assert.Equal("frame-timeout", r.GetProperty("reason").GetString());
                Assert.Contains("frame-timeout", r.GetProperty("error").GetString());
                var raw = Convert.FromBase64String(r.GetProperty("raw").GetString()!);
                Assert.True(raw.Length >= 1 && raw.All(b => b == (byte)'s'), $"raw {Convert.ToHexString(raw)}");
                Assert.Equal(raw.Length, r.GetProperty("rawLength").GetInt64());
            });
            Assert.Equal(slow.Select(p => p.Name).Order(), records.Select(r => r.GetProperty("peer").GetString()!).Order());
            Assert.Equal(SlowPeerCount, metrics.Total("actornet.frames.quarantined", "frame-timeout"));
        }
        finally
        {
            stopStreaming.Cancel();
            foreach (var peer in slow) peer.Dispose();
            foreach (var peer in streaming) peer.Dispose();
        }
    }

    [Fact]
    public async Task A_frame_arriving_below_min_data_rate_is_closed_after_the_grace_period_and_a_steady_one_above_it_is_stored()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var source = TestConfig.UniqueSourceName("min-rate");
        using var metrics = new SourceMetrics(source);
        await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            "min-data-rate { bytes-per-second = 30, grace-period = 500ms }, parser = text"));

        using var crawler = await Loopback.ConnectAsync(port);
        using var steady = await Loopback.ConnectAsync(port);
        // 20 bytes every 100 ms (200 bytes per second) for 1.5 s, then the newline; the crawler sends 1 byte per 100 ms.
        var frame = new string('x', 300);
        var (crawlerClosed, steadySent) = await SendAtTwoRatesAsync(crawler, steady, frame);

        Assert.True(crawlerClosed, "the peer sending 10 bytes per second was not closed");
        Assert.True(steadySent, "the peer sending 200 bytes per second was closed");
        var frames = directory.File("frames.jsonl");
        Assert.Equal([frame], await Eventually.ValueAsync(() => PayloadsOf(frames, steady.PeerName()), l => l.Count >= 1, Bound, "the steady frame"));
        var quarantined = await Eventually.ValueAsync(() => JsonlRecords.Read(directory.File("quarantine.jsonl")), r => r.Count >= 1, Bound,
            "the crawler's partial frame");
        var record = Assert.Single(quarantined);
        Assert.Equal("min-data-rate", record.GetProperty("reason").GetString());
        Assert.Equal(crawler.PeerName(), record.GetProperty("peer").GetString());
        Assert.Equal(1, metrics.Total("actornet.frames.quarantined", "min-data-rate"));
    }

    /// <summary>
    /// The traffic under test: <paramref name="crawler"/> gets 1 byte and <paramref name="steady"/> 20 bytes of
    /// <paramref name="frame"/> every 100 ms; then the steady frame's newline. Says whether the crawler was closed by
    /// the server (it is given up to 5 s) and whether the steady peer got its whole frame out.
    /// </summary>
    private static async Task<(bool CrawlerClosed, bool SteadySent)> SendAtTwoRatesAsync(Socket crawler, Socket steady, string frame)
    {
        var bytes = Encoding.ASCII.GetBytes(frame + "\n");
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        var position = 0;
        var crawlerClosed = false;
        while (position < bytes.Length || (!crawlerClosed && clock.Elapsed < TimeSpan.FromSeconds(5)))
        {
            await pace.WaitForNextTickAsync().ConfigureAwait(false);
            if (position < bytes.Length)
            {
                if (steady.IsClosedByServer()) return (crawlerClosed, false);
                var chunk = Math.Min(20, bytes.Length - position);
                await steady.SendAsync(bytes.AsMemory(position, chunk), SocketFlags.None).ConfigureAwait(false);
                position += chunk;
            }
            crawlerClosed = crawlerClosed || crawler.IsClosedByServer();
            if (crawlerClosed) continue;
            try
            {
                crawler.Send("c"u8);
            }
            catch (SocketException)
            {
                crawlerClosed = true;
            }
        }
        return (crawlerClosed, true);
    }

    /// <summary>
    /// The traffic under test, not a wait for ActorNet: every slow peer gets one more byte each interval for as long as
    /// it is open. ConfigureAwait(false) keeps the pace off the test framework's few threads, which other tests keep busy.
    /// </summary>
    private static async Task TrickleUntilClosedAsync(IReadOnlyList<SlowPeer> slow, Stopwatch clock)
    {
        using var pace = new PeriodicTimer(TrickleInterval);
        while (slow.Any(p => !p.Closed.IsCompleted) && clock.Elapsed < Bound)
        {
            await pace.WaitForNextTickAsync().ConfigureAwait(false);
            foreach (var peer in slow) peer.TrickleOneByte();
        }
    }

    private static IReadOnlyList<string> PayloadsOf(string path, string peer) =>
        JsonlRecords.Read(path).Where(r => r.GetProperty("peer").GetString() == peer).Select(r => r.GetProperty("payload").GetString()!).ToArray();

    /// <summary>A peer that sends "s", then one more "s" per <see cref="TrickleOneByte"/>, and never a newline.</summary>
    private sealed class SlowPeer : IDisposable
    {
        private static readonly byte[] OneByte = "s"u8.ToArray();
        private readonly Socket _socket;
        private readonly Stopwatch _clock;
        private readonly TimeSpan _firstByteAt;
        private TimeSpan _closedAt;

        private SlowPeer(Socket socket, Stopwatch clock)
        {
            _socket = socket;
            _clock = clock;
            Name = socket.PeerName();
            _socket.Send(OneByte);
            BytesSent = 1;
            _firstByteAt = clock.Elapsed;
            Closed = WatchCloseAsync();
        }

        public string Name { get; }
        public int BytesSent { get; private set; }
        public Task Closed { get; }

        /// <summary>From the first byte sent to the server's close, as seen here.</summary>
        public TimeSpan ClosedAfter => _closedAt - _firstByteAt;

        public static async Task<SlowPeer> StartAsync(int port, Stopwatch clock) => new(await Loopback.ConnectAsync(port), clock);

        public void TrickleOneByte()
        {
            if (Closed.IsCompleted) return;
            try
            {
                _socket.Send(OneByte);
                BytesSent++;
            }
            catch (SocketException)
            {
                // The server closed between the check and the send (a reset or a broken pipe).
            }
        }

        private async Task WatchCloseAsync()
        {
            await _socket.AwaitClosedByServerAsync(Bound).ConfigureAwait(false);
            _closedAt = _clock.Elapsed;
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>A peer that sends numbered lines in bursts of 50 every 20 ms until told to stop, then half-closes.</summary>
    private sealed class StreamingPeer(Socket socket, int index) : IDisposable
    {
        public string Name { get; } = socket.PeerName();
        public int Index => index;

        public static string Line(int peer, int n) => $"peer {peer} line {n}";

        /// <summary>Returns how many lines were sent.</summary>
        public async Task<int> StreamUntilAsync(CancellationToken stop)
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            var sent = 0;
            var burst = new StringBuilder();
            while (!stop.IsCancellationRequested)
            {
                burst.Clear();
                for (var i = 0; i < 50; i++) burst.Append(Line(index, sent + i)).Append('\n');
                await socket.SendAsync(Encoding.UTF8.GetBytes(burst.ToString()), SocketFlags.None).ConfigureAwait(false);
                sent += 50;
                try
                {
                    await pace.WaitForNextTickAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            socket.Shutdown(SocketShutdown.Send);
            return sent;
        }

        public void Dispose() => socket.Dispose();
    }
}
