using ActorNet.Configuration;
using ActorNet.Logging;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorNet.Cluster;

/// <summary>
/// Starts cluster mode's actors once the guardian runs: one shard region per role that tcp-connect sources name (a
/// node hosts only the regions of its roles; <c>role = ""</c> is hosted by all), the start message of each feed it may
/// own (sent again by <see cref="FeedStartResender"/>), and the node's <see cref="ClusterNodeActor"/>.
/// </summary>
internal static class ClusterFeeds
{
    public static ClusterView Start(ActorSystem system, ActorNetSettings settings, FeedDirectory directory, ActorNetStatus status)
    {
        var cluster = settings.Cluster;
        if (system is not ExtendedActorSystem extended || extended.Provider is not Akka.Cluster.ClusterActorRefProvider)
        {
            throw new InvalidConfigurationException([
                "actornet.cluster.enabled: \"on\" needs an actor system configured as a cluster node; expected ActorNet composed with " +
                "WithActorNet(...) on Akka.Hosting (which configures it), or off"]);
        }

        var sharding = ClusterSharding.Get(system);
        var starts = new List<(IActorRef Region, FeedEntityProtocol.Start Start)>();
        var feedRoles = settings.Sources.Where(s => s.Type == SourceType.TcpConnect)
            .GroupBy(s => s.Role)
            .Where(g => g.Key.Length == 0 || cluster.Roles.Contains(g.Key))
            .ToArray();
        foreach (var group in feedRoles)
        {
            var shardingSettings = ClusterShardingSettings.Create(system).WithRememberEntities(true).WithRole(group.Key.Length == 0 ? null : group.Key);
            var region = sharding.Start(RegionName(group.Key),
                entityId => FeedEntityActor.Props(entityId, directory, status.Source(entityId)),
                shardingSettings, FeedMessageExtractor.Instance, sharding.DefaultShardAllocationStrategy(shardingSettings),
                FeedEntityProtocol.HandOff.Instance);
            foreach (var source in group)
            {
                var start = new FeedEntityProtocol.Start(source.Name);
                region.Tell(start);
                starts.Add((region, start));
            }
        }
        system.ActorOf(ClusterNodeActor.Props(directory, status), ClusterNodeActor.Name);
        if (starts.Count > 0) system.ActorOf(FeedStartResender.Props(starts), "actornet-feed-starts");

        var view = new ClusterView(system);
        ActorNetLogging.Get(system).Hosting.ClusterNodeStarted(view.SelfAddress, string.Join(", ", cluster.Roles), string.Join(", ", cluster.SeedNodes),
            string.Join(", ", feedRoles.Select(g => g.Key.Length == 0 ? "(any)" : g.Key)));
        return view;
    }

    /// <summary>The shard region of the feeds restricted to <paramref name="role"/> ("" for feeds any node may own).</summary>
    internal static string RegionName(string role) => role.Length == 0 ? "actornet-feeds" : $"actornet-feeds-{role}";
}
