using System.Diagnostics;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Feeds;

public sealed class FeedReconnectSpec : FeedTestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_feed_that_is_down_at_start_is_retried_and_read_once_it_comes_up()
    {
        using var reconnects = new MetricTotal("actornet.reconnects", SourceName);
        await using var server = new FakeFeedServer();
        StartFeed(server, "reconnect { min-backoff = 20ms, max-backoff = 100ms }");

        // Nothing listens yet: each refused attempt is a failure, counted, followed by another attempt.
        await Eventually.TrueAsync(() => reconnects.Total >= 2, Bound, () => $"reconnects: {reconnects.Total}");
        Assert.Equal(0, server.AcceptCount);

        server.Start();
        var peer = await server.NextPeerAsync(Bound);
        await peer.SendAsync("hello\nworld\n");

        await Eventually.TrueAsync(() => Data.Count == 2, Bound, () => $"{Data.Count} record(s)");
        Assert.Equal(["hello", "world"], Data.Select(r => r.Payload));
        Assert.Equal([1L, 2L], Data.Select(r => r.Seq));
        Assert.Empty(Quarantine);
    }

    [Fact]
    public async Task A_feed_whose_handshake_never_completes_is_abandoned_after_connect_timeout_and_retried()
    {
        using var reconnects = new MetricTotal("actornet.reconnects", SourceName);
        await using var server = new FakeFeedServer();
        server.ListenWithoutAccepting(backlog: 0);
        using var filler = await Loopback.ConnectAsync(server.Port); // takes the one place in the accept queue
        var started = Stopwatch.GetTimestamp();
        StartFeed(server, "connect-timeout = 200ms\nreconnect { min-backoff = 20ms, max-backoff = 40ms }");

        await Eventually.TrueAsync(() => reconnects.Total >= 2, Bound, () => $"reconnects: {reconnects.Total}");
        var elapsed = Milliseconds(started, Stopwatch.GetTimestamp());
        Assert.True(elapsed >= 2 * 200 - 15, $"two attempts failed within {elapsed:F0} ms, sooner than two connect-timeouts");
        Assert.Equal(0, server.AcceptCount);

        server.Start();
        await server.NextPeerAsync(Bound); // the filler, first in the queue
        var feed = await server.NextPeerAsync(Bound);
        await feed.SendAsync("after the queue cleared\n");
        await Eventually.TrueAsync(() => Data.Count == 1, Bound, () => $"{Data.Count} record(s)");
        Assert.Equal("after the queue cleared", Data.Single().Payload);
        Assert.Equal(1, Data.Single().Seq);
    }

    [Fact]
    public async Task A_feed_gives_up_after_max_attempts_failures_in_a_row()
    {
        using var reconnects = new MetricTotal("actornet.reconnects", SourceName);
        await using var server = new FakeFeedServer();
        var status = StartFeed(server, "reconnect { min-backoff = 10ms, max-backoff = 20ms, max-attempts = 3 }").Status.Source(SourceName)!;

        // Failures 1 and 2 are each followed by a retry; failure 3 is the last: the feed says it gave up (awaited, not
        // timed: on a loaded machine the third attempt may come late). A window of many times max-backoff after
        // that would see more retries had the feed not given up.
        await Eventually.TrueAsync(() => status.State == ActorNet.Monitoring.SourceStates.GaveUp, Bound,
            () => $"state {status.State}, reconnects: {reconnects.Total}");
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, reconnects.Total);

        server.Start();
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, server.AcceptCount);
    }

    [Fact]
    public async Task Heartbeats_sent_to_a_silent_feed_do_not_keep_it_from_idling_out()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        StartFeed(server, "idle-timeout = 300ms\nheartbeat { interval = 50ms, payload = \"PING\" }");

        var silent = await server.NextPeerAsync(Bound);
        Assert.Equal("PING", (await silent.ReadLineAsync(Bound)).Line);
        // Writing to the feed is not hearing from it: the connection must still time out (ten times over, had
        // every heartbeat restarted the idle timer, it would not).
        var closed = await silent.AwaitClosedByClientAsync(TimeSpan.FromSeconds(3));
        Assert.True(Milliseconds(silent.AcceptedAt, closed) >= 300 - 15, "closed before idle-timeout");
        await server.NextPeerAsync(Bound);
    }

    [Fact]
    public async Task A_stalled_feed_is_dropped_after_idle_timeout_and_reconnected()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        StartFeed(server, "idle-timeout = 300ms\nreconnect { min-backoff = 50ms, max-backoff = 100ms }");

        var stalled = await server.NextPeerAsync(Bound);
        await stalled.SendAsync("before the stall\nhalf a fra");
        var lastSent = Stopwatch.GetTimestamp();

        // The server neither closes nor sends: only ActorNet's idle timeout can end this.
        var closedByClient = await stalled.AwaitClosedByClientAsync(Bound);
        var silence = Milliseconds(lastSent, closedByClient);
        Assert.True(silence >= 300 - 15, $"closed after {silence:F0} ms of silence, before idle-timeout");
        Assert.True(silence <= 300 + 300 || Pool.StalledBetween(lastSent, closedByClient),
            $"closed only after {silence:F0} ms of silence; {Pool.Describe(lastSent)}");

        var second = await server.NextPeerAsync(Bound);
        // ActorNet closed at least idle-timeout after the last bytes and waited at least min-backoff (± 20 %) before
        // reconnecting. Measured from lastSent, not from when this server noticed the close: a late read completion
        // on a loaded machine would make that gap look shorter than it was; an accept is never noticed early.
        var reconnectedAfter = Milliseconds(lastSent, second.AcceptedAt);
        Assert.True(reconnectedAfter >= 300 + 50 * 0.8 - 15, $"reconnected {reconnectedAfter:F0} ms after the last bytes, before idle-timeout + min-backoff");

        await Eventually.TrueAsync(() => Quarantine.Count == 1, Bound, () => $"{Quarantine.Count} quarantined");
        Assert.Equal(["before the stall"], Data.Select(r => r.Payload));
        var truncated = Assert.Single(Quarantine);
        Assert.Equal("truncated", truncated.Reason);
        Assert.Equal(Data.Single().Connection, truncated.Connection);
    }

    [Fact]
    public async Task Reconnect_gaps_stay_within_the_backoff_bounds_and_a_long_connection_resets_them()
    {
        var reconnect = new ReconnectSettings(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400), 0.5,
            TimeSpan.FromMilliseconds(300), null);
        var schedule = new BackoffSchedule(reconnect);
        const int held = 7;
        const int last = 9;
        var heldFor = TimeSpan.FromMilliseconds(600);
        var allAccepted = new TaskCompletionSource();
        await using var server = new FakeFeedServer();
        server.Start(async (peer, number) =>
        {
            if (number == held) await Task.Delay(heldFor); // the server's behaviour under test, not synchronisation
            if (number < last) peer.Close();
            else allAccepted.TrySetResult();
        });
        StartFeed(server, """
            reconnect { min-backoff = 50ms, max-backoff = 400ms, random-factor = 0.5, reset-after = 300ms }
            """);

        await allAccepted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var accepts = server.AcceptTimestamps;
        var closes = server.CloseTimestamps;

        // Failure k (1-based, counted since the last reset) is followed by Delay(k - 1). Connection `held` outlived
        // reset-after, so the failure count started again from zero when it closed.
        int[] failuresBefore = [0, 1, 2, 3, 4, 5, /* held */ 0, 1];
        var report = new List<string>();
        var violations = new List<string>();
        for (var i = 0; i < last - 1; i++)
        {
            var gap = Milliseconds(closes[i], accepts[i + 1]);
            var (min, max) = schedule.Bounds(failuresBefore[i]);
            // Lower bound: the retry timer starts only after the client saw the close, so the gap cannot be
            // shorter than the drawn delay (a few ms for clock reads). Upper: generous for a loaded machine, and
            // only where the process was not stalled as a whole.
            var stalled = Pool.StalledBetween(closes[i], accepts[i + 1]);
            report.Add($"close {i + 1} -> accept {i + 2}: {gap:F1} ms, bounds [{min.TotalMilliseconds}, {max.TotalMilliseconds}]{(stalled ? " (stalled)" : "")}");
            if (gap < min.TotalMilliseconds - 3 || (gap > max.TotalMilliseconds + 150 && !stalled)) violations.Add(report[^1]);
        }
        Assert.True(violations.Count == 0, "gaps outside their backoff bounds:\n" + string.Join("\n", violations) +
            "\nall:\n" + string.Join("\n", report) + "\n" + Pool.Describe(accepts[0]));
        var heldMs = Milliseconds(accepts[held - 1], closes[held - 1]);
        Assert.True(heldMs > reconnect.ResetAfter.TotalMilliseconds + 100, $"connection {held} was held only {heldMs:F1} ms");
    }
}
