using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using Akka.Event;
using Xunit;

namespace ActorNet.IntegrationTests.Feeds;

/// <summary>
/// A feed server that accepts and resets at once, a thousand times, then serves. A connect that completes just
/// before the reset used to throw from inside the feed actor (getpeername: ENOTCONN), restart it, and after ten
/// restarts in a minute its supervisor stopped it for good. Socket errors are the feed's normal life: none may
/// restart the feed.
/// </summary>
public sealed class ResetStormSpec : FeedTestKit
{
    private const int Resets = 1000;

    [Fact]
    public async Task A_feed_whose_server_resets_a_thousand_connections_keeps_retrying_and_delivers_once_served()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        await using var server = new FakeFeedServer();
        server.Start(async (peer, number) =>
        {
            if (number <= Resets)
            {
                peer.Reset();
                return;
            }
            await peer.SendAsync("served-1\nserved-2\n");
        });
        var service = StartFeed(server, "reconnect { min-backoff = 1ms, max-backoff = 2ms, random-factor = 0 }");
        var status = service.Status.Source(SourceName)!;

        // Watched throughout: never stopped or given up, and once a connection failed, the reason is shown.
        var statesSeen = new HashSet<string>();
        await Eventually.TrueAsync(() =>
        {
            var state = status.State;
            statesSeen.Add(state);
            Assert.NotEqual(SourceStates.Stopped, state);
            Assert.NotEqual(SourceStates.GaveUp, state);
            if (server.AcceptCount > 1) Assert.False(string.IsNullOrEmpty(status.LastError), "no last error while resets go on");
            return Data.Count == 2;
        }, TimeSpan.FromSeconds(90), () => $"{server.AcceptCount} accepted, state {status.State}, last error {status.LastError}, {Data.Count} record(s)");

        Assert.True(server.AcceptCount > Resets, $"{server.AcceptCount} accepted");
        Assert.Equal(["served-1", "served-2"], Data.Select(r => r.Payload));
        Assert.Equal(SourceStates.Connected, status.State);
        Assert.Contains(SourceStates.BackingOff, statesSeen);
        Assert.True(status.Reconnects >= Resets, $"{status.Reconnects} reconnects counted");
        // No actor of the feed failed: a failure is logged at Error level by Akka before a restart.
        var failures = errors.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => (Error)m)
            .Where(e => e.LogSource.Contains($"source-{SourceName}", StringComparison.Ordinal))
            .Select(e => e.Cause?.Message ?? e.Message?.ToString())
            .ToArray();
        Assert.Empty(failures);
    }
}
