using System.Diagnostics;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// One feed, three real actornet processes: the owner is killed with SIGKILL again and again (and started again, so
/// three stay), then leaves gracefully with SIGTERM. The feed server must never see two sessions at once, every frame
/// it sent must be stored by some node, and a frame stored twice must be one the feed resent (its resend window).
/// </summary>
/// <remarks>
/// Two SIGKILL trials run by default, the first about a second after the cluster formed (before Akka's in-memory
/// remembered entities reach the other nodes: the case <c>FeedStartResender</c> covers). The issue's ten run with
/// <c>ACTORNET_CLUSTER_SOAK=1 dotnet test tests/ActorNet.IntegrationTests --filter Category=ClusterSoak</c>.
/// </remarks>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFeedFailoverSpec(ITestOutputHelper output)
{
    /// <summary>
    /// The failover the reference configuration promises after a SIGKILL of the owner (see reference.conf,
    /// actornet.cluster): about 9 s of detection and downing plus the hand-off; 15 s is the issue's target for the median.
    /// </summary>
    private static readonly TimeSpan StatedFailover = TimeSpan.FromSeconds(15);

    /// <summary>What a single trial may take on a loaded machine before it counts as failed.</summary>
    private static readonly TimeSpan WorstAllowed = TimeSpan.FromSeconds(30);

    /// <summary>Frames every 10 ms; a new session resends the last 300 (3 s), more than a killed node can have read but not stored.</summary>
    private const int ResendWindow = 300;

    [ClusterProcessesFact]
    public Task A_feed_moves_to_another_node_after_its_owner_is_killed_and_leaves_gracefully_without_a_second_session() => RunAsync(trials: 2);

    [ClusterSoakFact]
    [Trait("Category", "ClusterSoak")]
    public Task A_feed_moves_after_ten_kills_of_its_owner_in_a_row() => RunAsync(trials: 10);

    private async Task RunAsync(int trials)
    {
        await using var feed = new NumberedFeedServer(ResendWindow, TimeSpan.FromMilliseconds(10));
        using var cluster = new ThreeNodeCluster(feed.Port);
        await cluster.StartAllAsync();
        await Eventually.TrueAsync(() => feed.Current is { Node: not "?" } s && s.LastFrame > 0, ThreeNodeCluster.Bound,
            () => $"a session of the feed; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");

        var failovers = new List<TimeSpan>();
        for (var trial = 1; trial <= trials; trial++)
        {
            var owner = NodeOf(feed.Current!);
            var sessionsBefore = feed.Sessions.Count;
            var killedAt = feed.Now;
            await cluster.KillAsync(owner);

            var next = await Eventually.ValueAsync(() => feed.Sessions.Skip(sessionsBefore).FirstOrDefault(s => s.Node != "?"), s => s is not null,
                WorstAllowed, () => $"trial {trial}: a new session after n{owner} was killed; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
            var failover = next!.OpenedAt - killedAt;
            failovers.Add(failover);
            output.WriteLine($"trial {trial}: n{owner} killed, n{NodeOf(next)} connected {failover.TotalSeconds:0.0} s later");
            Assert.NotEqual(owner, NodeOf(next));
            Assert.True(feed.MaxConcurrent == 1, $"trial {trial}: two sessions at once: {string.Join("; ", feed.Sessions)}");

            // Three nodes again before the next kill, the killed one on its old address, all seeing each other.
            cluster.Start(owner);
            await cluster.WaitForSettledAsync();
        }

        // A graceful leave: the owner drains (its frames stored, its session closed), then another node connects.
        var leaving = NodeOf(feed.Current!);
        var before = feed.Sessions.Count;
        var terminatedAt = feed.Now;
        await cluster.SignalAsync(leaving, "TERM");
        var successor = await Eventually.ValueAsync(() => feed.Sessions.Skip(before).FirstOrDefault(s => s.Node != "?"), s => s is not null,
            ThreeNodeCluster.Bound, () => $"a session after n{leaving} left; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        output.WriteLine($"graceful leave: n{leaving} stopped, n{NodeOf(successor!)} connected {(successor!.OpenedAt - terminatedAt).TotalSeconds:0.0} s later");
        Assert.Equal(0, await cluster.Process(leaving).WaitForExitAsync(ThreeNodeCluster.Bound));
        Assert.True(feed.MaxConcurrent == 1, $"two sessions at once: {string.Join("; ", feed.Sessions)}");

        // Every frame sent is stored somewhere; a frame stored twice was resent by a session that started before it.
        // Past its resend window first: what the leaving node had not read is in that window.
        await Eventually.TrueAsync(() => feed.Current is { LastFrame: > 0 } s && s.LastFrame > s.HighestBefore + 10, ThreeNodeCluster.Bound);
        await feed.PauseAsync();
        var sent = feed.HighestSent;
        Dictionary<long, int> counts = [];
        long[] missing = [];
        await Eventually.TrueAsync(() =>
        {
            counts = Count(cluster.StoredFeedFrames());
            missing = Enumerable.Range(1, (int)sent).Select(n => (long)n).Where(n => !counts.ContainsKey(n)).ToArray();
            return missing.Length == 0;
        }, ThreeNodeCluster.Bound, () => $"all of 1..{sent} stored; {missing.Length} missing (first {string.Join(", ", missing.Take(10))}); " +
            $"sessions: {string.Join("; ", feed.Sessions)}");

        var resent = feed.Sessions.Skip(1).Select(s => (From: s.FirstFrame, To: s.FirstFrame + ResendWindow - 1)).ToArray();
        var duplicates = counts.Where(c => c.Value > 1).Select(c => c.Key).Order().ToArray();
        var outside = duplicates.Where(n => !resent.Any(r => n >= r.From && n <= r.To)).ToArray();
        Assert.True(outside.Length == 0, $"frames stored twice outside any resend window: {string.Join(", ", outside.Take(20))}; sessions: {string.Join("; ", feed.Sessions)}");
        Assert.All(counts.Keys, n => Assert.InRange(n, 1, sent));

        var sorted = failovers.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        output.WriteLine($"failover over {trials} SIGKILL trials: median {median.TotalSeconds:0.0} s, worst {sorted[^1].TotalSeconds:0.0} s; " +
            $"{sent} frames sent, {duplicates.Length} stored twice (all resent), none missing");
        Assert.True(median <= StatedFailover, $"median failover {median.TotalSeconds:0.0} s, more than {StatedFailover.TotalSeconds} s");
    }

    private static int NodeOf(FeedSession session) => session.Node is ['n', var digit] ? digit - '0' : throw new InvalidOperationException($"unknown node {session.Node}");

    private static Dictionary<long, int> Count(IEnumerable<string> payloads)
    {
        var counts = new Dictionary<long, int>();
        foreach (var payload in payloads)
            if (payload.StartsWith("f-", StringComparison.Ordinal) && long.TryParse(payload.AsSpan(2), out var n))
                counts[n] = counts.GetValueOrDefault(n) + 1;
        return counts;
    }
}

/// <summary>The cluster specs start three processes each: one at a time, so that their timing is their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}

/// <summary>The specs that kill and freeze real cluster nodes: Linux only (they send signals).</summary>
public sealed class ClusterProcessesFactAttribute : FactAttribute
{
    public ClusterProcessesFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "sends Linux signals to real processes";
    }
}

/// <summary>The ten-trial soak: skipped unless ACTORNET_CLUSTER_SOAK=1 (it takes about five minutes).</summary>
public sealed class ClusterSoakFactAttribute : FactAttribute
{
    public ClusterSoakFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "sends Linux signals to real processes";
        else if (Environment.GetEnvironmentVariable("ACTORNET_CLUSTER_SOAK") != "1")
            Skip = "the ten-trial cluster soak runs only with ACTORNET_CLUSTER_SOAK=1 (about five minutes)";
    }
}
