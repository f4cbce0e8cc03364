using ActorNet.IntegrationTests.Postgres;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// Storage in a cluster with a shared PostgreSQL: all three nodes write the feed into one table through their own
/// postgres sink. The owner is killed (SIGKILL), then the next owner stops gracefully (SIGTERM), so that each node
/// holds the feed once. Every frame the feed sent must be in the table at least once, and a frame stored twice must
/// be one a new session resent (the feed's resend window): at-least-once across failovers, duplicates bounded.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPostgresSpec(ITestOutputHelper output)
{
    /// <summary>Frames every 10 ms; a new session resends the last 300 (3 s), more than a killed node can have read but not stored.</summary>
    private const int ResendWindow = 300;

    [ClusterPostgresFact]
    public async Task Three_nodes_store_a_feed_in_one_table_with_every_frame_at_least_once_and_duplicates_only_within_its_resend_window()
    {
        using var server = new PostgresServer();
        var table = PostgresServer.UniqueTable("cluster_feed");
        await using var feed = new NumberedFeedServer(ResendWindow, TimeSpan.FromMilliseconds(10));
        using var cluster = new ThreeNodeCluster(feed.Port, _ => $$"""
            actornet.sinks.shared { type = postgres, connection-string = "{{server.ConnectionString}}", table = {{table}} }
            actornet.sources.{{ThreeNodeCluster.Feed}}.sinks = [ shared ]
            """);
        await cluster.StartAllAsync();
        var first = await Eventually.ValueAsync(() => feed.Current, s => s is { Node: not "?", LastFrame: > 0 }, ThreeNodeCluster.Bound,
            () => $"a session of the feed; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        await Eventually.TrueAsync(() => server.Count(table) > 0, ThreeNodeCluster.Bound, () => $"rows in {table}{Environment.NewLine}{cluster.Output}");

        // Killed: no drain; what it read but had not committed is resent by the next session.
        var killed = NodeOf(first!);
        var before = feed.Sessions.Count;
        await cluster.KillAsync(killed);
        var second = await NextSessionAsync(feed, cluster, before, $"n{killed} was killed");
        Assert.NotEqual(killed, NodeOf(second));
        await Eventually.TrueAsync(() => second.LastFrame > second.HighestBefore + 10, ThreeNodeCluster.Bound, () => cluster.Output);

        // Stopped gracefully: it drains (its frames committed, its session closed), then the last node connects.
        var leaving = NodeOf(second);
        before = feed.Sessions.Count;
        await cluster.SignalAsync(leaving, "TERM");
        var third = await NextSessionAsync(feed, cluster, before, $"n{leaving} left");
        Assert.Equal(0, await cluster.Process(leaving).WaitForExitAsync(ThreeNodeCluster.Bound));
        Assert.Equal(3 - killed - leaving, NodeOf(third));
        Assert.True(feed.MaxConcurrent == 1, $"two sessions at once: {string.Join("; ", feed.Sessions)}");

        // Past the last resend window, then the feed stops sending: everything sent must reach the table.
        await Eventually.TrueAsync(() => third.LastFrame > third.HighestBefore + 10, ThreeNodeCluster.Bound, () => cluster.Output);
        await feed.PauseAsync();
        var sent = feed.HighestSent;
        Dictionary<long, int> counts = [];
        long[] missing = [];
        await Eventually.TrueAsync(() =>
        {
            counts = CountFrames(server, table);
            missing = Enumerable.Range(1, (int)sent).Select(n => (long)n).Where(n => !counts.ContainsKey(n)).ToArray();
            return missing.Length == 0;
        }, ThreeNodeCluster.Bound, () => $"all of 1..{sent} in {table}; {missing.Length} missing (first {string.Join(", ", missing.Take(10))}); " +
            $"sessions: {string.Join("; ", feed.Sessions)}");

        var windows = feed.Sessions.Skip(1).Select(s => (From: s.FirstFrame, To: s.FirstFrame + ResendWindow - 1)).ToArray();
        var duplicates = counts.Where(c => c.Value > 1).Select(c => c.Key).Order().ToArray();
        var outside = duplicates.Where(n => !windows.Any(w => n >= w.From && n <= w.To)).ToArray();
        Assert.True(outside.Length == 0, $"frames stored twice outside any resend window: {string.Join(", ", outside.Take(20))}; sessions: {string.Join("; ", feed.Sessions)}");
        // A frame is stored at most once per session that sent it: once, plus once for each resend window holding it.
        var overcounted = counts.Where(c => c.Value > 1 + windows.Count(w => c.Key >= w.From && c.Key <= w.To)).Select(c => c.Key).ToArray();
        Assert.True(overcounted.Length == 0, $"frames stored more often than sessions sent them: {string.Join(", ", overcounted.Take(20))}");
        Assert.All(counts.Keys, n => Assert.InRange(n, 1, sent));

        // The rows came through three connections, one per node that held the feed (connection ids are per node).
        var connections = server.Query($"""SELECT count(DISTINCT connection) FROM "{table}" WHERE source = '{ThreeNodeCluster.Feed}'""")[0][0];
        Assert.True((long)connections! >= 3, $"rows from {connections} connection(s); expected one per node that held the feed (3)");
        output.WriteLine($"{sent} frames sent over {feed.Sessions.Count} sessions ({string.Join("; ", feed.Sessions)}); " +
            $"{counts.Values.Sum()} rows, {duplicates.Length} frames stored twice (all resent), none missing");
    }

    private static async Task<FeedSession> NextSessionAsync(NumberedFeedServer feed, ThreeNodeCluster cluster, int before, string after) =>
        (await Eventually.ValueAsync(() => feed.Sessions.Skip(before).FirstOrDefault(s => s.Node != "?"), s => s is not null, ThreeNodeCluster.Bound,
            () => $"a session after {after}; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}"))!;

    private static int NodeOf(FeedSession session) => session.Node is ['n', var digit] ? digit - '0' : throw new InvalidOperationException($"unknown node {session.Node}");

    /// <summary>How often each frame number is in the table (payloads <c>f-N</c>); 0 rows while no sink has created it.</summary>
    private static Dictionary<long, int> CountFrames(PostgresServer server, string table)
    {
        var counts = new Dictionary<long, int>();
        if (server.Count(table) == 0) return counts;
        foreach (var row in server.Query($"""SELECT payload::text FROM "{table}" WHERE source = '{ThreeNodeCluster.Feed}'"""))
            if (row[0] is string payload && payload.StartsWith("f-", StringComparison.Ordinal) && long.TryParse(payload.AsSpan(2), out var n))
                counts[n] = counts.GetValueOrDefault(n) + 1;
        return counts;
    }
}
