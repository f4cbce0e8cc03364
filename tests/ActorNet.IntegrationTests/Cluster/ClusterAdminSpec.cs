using System.Net;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// The operational view of three real nodes: any node's admin API lists and closes a connection another node holds,
/// /api/cluster shows members and the feed's owner, /metrics carries the node label; then the owner is frozen with
/// SIGSTOP: the others down it and take the feed over, and once resumed it exits without connecting to the feed again.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterAdminSpec(ITestOutputHelper output)
{
    [ClusterProcessesFact]
    public async Task Any_node_lists_and_closes_a_connection_of_another_and_a_frozen_owner_is_downed_and_exits_on_resume()
    {
        await using var feed = new NumberedFeedServer(resendWindow: 300, TimeSpan.FromMilliseconds(10));
        using var cluster = new ThreeNodeCluster(feed.Port);
        await cluster.StartAllAsync();
        await Eventually.TrueAsync(() => feed.Current is { Node: not "?" }, ThreeNodeCluster.Bound, () => cluster.Output);
        var owner = feed.Current!.Node[1] - '0';

        // /api/cluster from a node that does not own the feed names the one that does.
        var asked = (owner + 1) % 3;
        var view = await Eventually.ValueAsync(() => cluster.ClusterOf(asked), c => c is { Feeds.Count: 1 }, ThreeNodeCluster.Bound, "the feed's owner in /api/cluster");
        Assert.Equal([new FeedBody(ThreeNodeCluster.Feed, cluster.Address(owner))], view!.Feeds);
        Assert.Equal(Enumerable.Range(0, 3).Select(cluster.Address).Order(), view.Members.Select(m => m.Address).Order());
        Assert.All(view.Members, m => Assert.Equal("up", m.Status));

        // A device connected to one node, listed and closed through another.
        var holder = (owner + 2) % 3;
        using var device = await Loopback.ConnectAsync(cluster.DevicePort(holder));
        // Found by its peer (this socket's own port), not by source alone: another node's devices source may hold a
        // connection of its own (a start-up probe), which is not the one this test closes.
        var devicePeer = device.PeerName();
        var listed = await Eventually.ValueAsync(() => cluster.ConnectionsOf(asked)?.Connections.FirstOrDefault(c => c.Source == ThreeNodeCluster.Devices && c.Peer == devicePeer),
            c => c is not null, ThreeNodeCluster.Bound, $"the device's connection in n{asked}'s /api/connections");
        Assert.True(listed!.Node == cluster.Address(holder),
            $"device on n{holder} ({cluster.Address(holder)}, port {cluster.DevicePort(holder)}) listed as held by {listed.Node}: " +
            $"{string.Join("; ", cluster.ConnectionsOf(asked)?.Connections.Select(c => $"{c.Id} {c.Source} {c.Peer} @{c.Node}") ?? [])}" +
            $"{Environment.NewLine}{cluster.Output}");
        Assert.Contains(cluster.ConnectionsOf(asked)!.Connections, c => c.Source == ThreeNodeCluster.Feed && c.Node == cluster.Address(owner));
        using (var deleted = await cluster.DeleteConnectionAsync(asked, listed.Id)) Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        await device.AwaitClosedByServerAsync(ThreeNodeCluster.Bound);
        using (var again = await cluster.DeleteConnectionAsync(asked, listed.Id)) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        // Every series of a node's /metrics carries its node label (its Akka.Remote host:port).
        var samples = (await cluster.MetricsOf(holder)).Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToArray();
        Assert.Contains(samples, l => l.StartsWith("actornet_", StringComparison.Ordinal));
        Assert.All(samples, l => Assert.Contains($"{{node=\"127.0.0.1:{cluster.Address(holder).Split(':')[^1]}\"", l));

        // Frozen: its session stays open (the kernel keeps the socket), but the others down it and connect.
        var frozenSessions = feed.Sessions.Count;
        await cluster.SignalAsync(owner, "STOP");
        var takeover = await Eventually.ValueAsync(() => feed.Sessions.Skip(frozenSessions).FirstOrDefault(s => s.Node != "?"), s => s is not null,
            ThreeNodeCluster.Bound, () => $"another node's session while n{owner} is frozen; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        Assert.NotEqual($"n{owner}", takeover!.Node);
        var survivor = takeover.Node[1] - '0';
        await Eventually.TrueAsync(() => cluster.ClusterOf(survivor) is { } c && c.Members.Count == 2 && c.Feeds.SingleOrDefault()?.Node == cluster.Address(survivor),
            ThreeNodeCluster.Bound, () => $"n{owner} removed and the feed on n{survivor}: {ThreeNodeCluster.Describe(cluster.ClusterOf(survivor))}");

        // Resumed: it finds itself downed, drains and exits, and never opens another session to the feed.
        var resumedAt = feed.Now;
        await cluster.SignalAsync(owner, "CONT");
        var exitCode = await cluster.Process(owner).WaitForExitAsync(ThreeNodeCluster.Bound);
        output.WriteLine($"n{owner} exited with {exitCode} {(feed.Now - resumedAt).TotalSeconds:0.0} s after SIGCONT; sessions: {string.Join("; ", feed.Sessions)}");
        Assert.Equal(3, exitCode); // downed: its supervisor should start it again as a new member
        Assert.DoesNotContain(feed.Sessions, s => s.Node == $"n{owner}" && s.OpenedAt > resumedAt);
        Assert.DoesNotContain(feed.Sessions, s => s.Node == $"n{owner}" && s.ClosedAt is null);
        Assert.Equal(takeover, feed.Current);
    }
}
