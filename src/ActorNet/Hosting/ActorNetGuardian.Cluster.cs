using ActorNet.Cluster;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Monitoring;
using Akka.Actor;

namespace ActorNet.Hosting;

/// <summary>
/// Cluster mode (<c>actornet.cluster.enabled = on</c>): the guardian starts every source's parsers and sinks as on a
/// single node, but a tcp-connect source's feed runs under its sharded entity (<see cref="FeedEntityActor"/>), on this
/// node only while sharding places it here. The guardian watches it while it runs here, so that writes reach it
/// and the node's drain drains it first like any other source.
/// </summary>
internal sealed partial class ActorNetGuardian
{
    private void OfferToCluster(SourceSettings source, IActorRef[] parsers, SourceStatus sourceStatus)
    {
        sourceStatus.SetState(SourceStates.OwnedElsewhere);
        var feed = OutboundFeedActor.Props(source, parsers, source.AllSinks.Count, sourceStatus, _budget, MajorityGate.For(Context.System, source.Name));
        _clusterFeeds!.Offer(source.Name, new FeedRoute(feed, Self));
    }

    /// <summary>A feed under a sharded entity rather than a child of the guardian.</summary>
    private bool IsClusterFeed(IActorRef actor) => _clusterFeeds is not null && !actor.Path.Parent.Equals(Self.Path);

    /// <summary>
    /// A cluster feed stopped without a hand-off: its node was downed (sharding stops its entities then, and this node
    /// exits) or it failed for good, and then sharding starts its remembered entity again. Neither is a loss to
    /// report as one: frames it read were already sent to the parsers, which still run.
    /// </summary>
    private void ClusterFeedStopped(IActorRef feed)
    {
        if (!_names.Remove(feed, out var name)) return;
        var source = name["source ".Length..];
        if (_sources.TryGetValue(source, out var current) && current.Equals(feed)) _sources.Remove(source);
    }

    private void ClusterFeedMoved(object message)
    {
        switch (message)
        {
            case FeedEntityProtocol.FeedStarted started:
                _sources[started.Source] = started.Feed;
                Watch(started.Feed, $"source {started.Source}");
                break;
            case FeedEntityProtocol.FeedReleased released:
                // Handed over, not failed: its stop is no loss to report.
                _names.Remove(released.Feed);
                Context.Unwatch(released.Feed);
                if (_sources.TryGetValue(released.Source, out var current) && current.Equals(released.Feed)) _sources.Remove(released.Source);
                break;
        }
    }
}
