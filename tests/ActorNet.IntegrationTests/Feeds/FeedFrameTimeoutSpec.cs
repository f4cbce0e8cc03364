using System.Diagnostics;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Feeds;

public sealed class FeedFrameTimeoutSpec : FeedTestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_feed_that_trickles_a_frame_is_dropped_after_frame_timeout_with_the_partial_frame_quarantined_and_reconnected()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        StartFeed(server, "frame-timeout = 400ms\nreconnect { min-backoff = 50ms, max-backoff = 100ms }");

        var trickling = await server.NextPeerAsync(Bound);
        await trickling.SendAsync("before the stall\nh");
        var frameStarted = Stopwatch.GetTimestamp();
        var closed = trickling.AwaitClosedByClientAsync(Bound);
        // The server's behaviour under test: a byte every 50 ms, so the feed is never idle, but its frame never ends.
        using (var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
        {
            while (!closed.IsCompleted && await pace.WaitForNextTickAsync())
            {
                try
                {
                    await trickling.SendAsync("a"u8.ToArray());
                }
                catch (SocketException)
                {
                    // ActorNet closed between the check and the send.
                }
            }
        }

        var after = Milliseconds(frameStarted, await closed);
        Assert.True(after >= 400 - 15, $"closed {after:F0} ms after the frame started, before frame-timeout");
        await server.NextPeerAsync(Bound);

        await Eventually.TrueAsync(() => Quarantine.Count == 1, Bound, () => $"{Quarantine.Count} quarantined");
        Assert.Equal(["before the stall"], Data.Select(r => r.Payload));
        var timedOut = Assert.Single(Quarantine);
        Assert.Equal("frame-timeout", timedOut.Reason);
        Assert.Contains("frame-timeout (400 ms)", timedOut.Error);
        Assert.Equal(Data.Single().Connection, timedOut.Connection);
    }
}
