using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// A feed restricted to a role (<c>role = "ingest"</c>) across three real processes of which only n0 and n1 have that
/// role: it is owned by one of them, and when that owner stops gracefully it moves to the other, never to n2.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RoleRestrictedFeedSpec(ITestOutputHelper output)
{
    private const string Role = "ingest";

    [ClusterProcessesFact]
    public async Task A_feed_with_a_role_is_owned_only_by_nodes_with_that_role_also_after_its_owner_leaves()
    {
        await using var feed = new NumberedFeedServer(resendWindow: 300, TimeSpan.FromMilliseconds(10));
        using var cluster = new ThreeNodeCluster(feed.Port, node => $"""
            actornet.sources.{ThreeNodeCluster.Feed}.role = {Role}
            {(node < 2 ? $"actornet.cluster.roles = [ {Role} ]" : "")}
            """);
        await cluster.StartAllAsync();
        var first = await Eventually.ValueAsync(() => feed.Current, s => s is { Node: not "?", LastFrame: > 0 }, ThreeNodeCluster.Bound,
            () => $"a session of the feed; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        var owner = first!.Node[1] - '0';
        Assert.True(owner < 2, $"the feed is held by n{owner}, which lacks role {Role}: {string.Join("; ", feed.Sessions)}");

        // The node without the role sees the feed on the owner, and itself with no role.
        var view = await Eventually.ValueAsync(() => ClusterSourcesView.OfAsync(cluster, 2).GetAwaiter().GetResult(), v => v is { Feeds.Count: 1 },
            ThreeNodeCluster.Bound, "the feed's owner as n2 sees it");
        Assert.Equal([new FeedBody(ThreeNodeCluster.Feed, cluster.Address(owner))], view!.Feeds);
        Assert.Equal([Role], view.Member(cluster.Address(0))!.Roles);
        Assert.Equal([Role], view.Member(cluster.Address(1))!.Roles);
        Assert.Empty(view.Member(cluster.Address(2))!.Roles);

        // Stopped gracefully: the feed moves to the other node with the role.
        var other = 1 - owner;
        var before = feed.Sessions.Count;
        await cluster.SignalAsync(owner, "TERM");
        var successor = await Eventually.ValueAsync(() => feed.Sessions.Skip(before).FirstOrDefault(s => s.Node != "?"), s => s is not null,
            ThreeNodeCluster.Bound, () => $"a session after n{owner} left; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        Assert.Equal(0, await cluster.Process(owner).WaitForExitAsync(ThreeNodeCluster.Bound));
        Assert.Equal($"n{other}", successor!.Node);
        output.WriteLine($"n{owner} stopped; the feed moved to {successor.Node}; sessions: {string.Join("; ", feed.Sessions)}");

        var moved = await Eventually.ValueAsync(() => ClusterSourcesView.OfAsync(cluster, 2).GetAwaiter().GetResult(),
            v => v is { Members.Count: 2, Feeds.Count: 1 } && v.Feeds[0].Node == cluster.Address(other), ThreeNodeCluster.Bound,
            () => $"n{owner} gone and the feed on n{other}, as n2 sees it: {ClusterSourcesView.Describe(ClusterSourcesView.OfAsync(cluster, 2).GetAwaiter().GetResult())}");
        Assert.Equal("owned-elsewhere", moved!.Member(cluster.Address(2))!.Source(ThreeNodeCluster.Feed)!.State);
        Assert.Equal("connected", moved.Member(cluster.Address(other))!.Source(ThreeNodeCluster.Feed)!.State);

        // Every session came from a node with the role (its greeting names it), and never two at once.
        Assert.All(feed.Sessions, s => Assert.Contains(s.Node, new[] { "n0", "n1" }));
        Assert.True(feed.MaxConcurrent == 1, $"two sessions at once: {string.Join("; ", feed.Sessions)}");
    }
}
