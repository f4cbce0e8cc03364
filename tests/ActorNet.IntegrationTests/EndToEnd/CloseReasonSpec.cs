using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>
/// Every connection ActorNet ends is counted once in actornet_connections_closed_total with the kind of its end, over
/// real loopback peers: the peer's own close, idle-timeout, frame-timeout, a bad length field, and the drain at stop.
/// </summary>
public sealed class CloseReasonSpec
{
    private const string Closed = "actornet.connections.closed";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_peer_that_closes_its_end_is_counted_peer_closed()
    {
        await using var run = await Run.StartAsync("close-peer", "");
        using (var peer = await Loopback.ConnectAsync(run.Port))
        {
            await peer.SendAsync("one line\n"u8.ToArray(), SocketFlags.None);
            peer.Shutdown(SocketShutdown.Send);
            await peer.AwaitClosedByServerAsync(Bound);
        }
        await run.AwaitOnlyClosesAsync("peer-closed", 1);
    }

    [Fact]
    public async Task A_silent_peer_is_counted_idle_timeout()
    {
        await using var run = await Run.StartAsync("close-idle", "idle-timeout = 300ms");
        using var peer = await Loopback.ConnectAsync(run.Port);
        await peer.AwaitClosedByServerAsync(Bound);
        await run.AwaitOnlyClosesAsync("idle-timeout", 1);
    }

    [Fact]
    public async Task Peers_that_leave_a_frame_unfinished_are_counted_frame_timeout()
    {
        await using var run = await Run.StartAsync("close-slow", "frame-timeout = 300ms");
        using var first = await Loopback.ConnectAsync(run.Port);
        using var second = await Loopback.ConnectAsync(run.Port);
        await first.SendAsync("no newline yet"u8.ToArray(), SocketFlags.None);
        await second.SendAsync("whole\nhalf"u8.ToArray(), SocketFlags.None);
        await first.AwaitClosedByServerAsync(Bound);
        await second.AwaitClosedByServerAsync(Bound);
        await run.AwaitOnlyClosesAsync("frame-timeout", 2);
    }

    [Fact]
    public async Task A_length_field_past_max_frame_length_is_counted_bad_frame_start()
    {
        await using var run = await Run.StartAsync("close-length",
            "framing { type = length-field, length-field-length = 4, max-frame-length = 64 }, parser = binary");
        using var peer = await Loopback.ConnectAsync(run.Port);
        await peer.SendAsync(new byte[] { 0, 0, 0x10, 0, 1, 2, 3 }, SocketFlags.None);
        await peer.AwaitClosedByServerAsync(Bound);
        await run.AwaitOnlyClosesAsync("bad-frame-start", 1);
    }

    [Fact]
    public async Task Peers_still_connected_when_ActorNet_stops_are_counted_stopping()
    {
        await using var run = await Run.StartAsync("close-stop", "");
        using var first = await Loopback.ConnectAsync(run.Port);
        using var second = await Loopback.ConnectAsync(run.Port);
        await first.SendAsync("before the stop\n"u8.ToArray(), SocketFlags.None);
        await Eventually.TrueAsync(() => run.Metrics.Total("actornet.connections.accepted") == 2, Bound);

        await run.StopAsync();

        Assert.Equal(2, run.Metrics.Total(Closed, "stopping"));
        Assert.Equal(2, run.Metrics.Total(Closed));
    }

    private sealed class Run : IAsyncDisposable
    {
        private readonly TempDirectory _directory;
        private readonly InProcessActorNet _net;

        private Run(TempDirectory directory, InProcessActorNet net, SourceMetrics metrics, int port)
        {
            _directory = directory;
            _net = net;
            Metrics = metrics;
            Port = port;
        }

        public SourceMetrics Metrics { get; }
        public int Port { get; }

        public static async Task<Run> StartAsync(string name, string settings)
        {
            var directory = new TempDirectory();
            var source = TestConfig.UniqueSourceName(name);
            var metrics = new SourceMetrics(source);
            var port = Loopback.FreePort();
            var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, settings));
            return new Run(directory, net, metrics, port);
        }

        /// <summary>Waits for <paramref name="count"/> closes with <paramref name="reason"/>, then asserts they are all the closes counted.</summary>
        public async Task AwaitOnlyClosesAsync(string reason, long count)
        {
            await Eventually.TrueAsync(() => Metrics.Total(Closed, reason) == count, Bound,
                () => $"{count} closes with reason {reason}; counted {Metrics.Total(Closed, reason)} of {Metrics.Total(Closed)} in all");
            Assert.Equal(count, Metrics.Total(Closed));
        }

        /// <summary>ActorNet's graceful stop: it drains, closing every connection still open.</summary>
        public Task StopAsync() => _net.StopAsync();

        public async ValueTask DisposeAsync()
        {
            await _net.DisposeAsync();
            Metrics.Dispose();
            _directory.Dispose();
        }
    }
}
