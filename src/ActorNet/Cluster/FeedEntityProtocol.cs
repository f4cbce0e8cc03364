using Akka.Actor;

namespace ActorNet.Cluster;

/// <summary>The messages of a feed entity (<see cref="FeedEntityActor"/>), between nodes and to its node's guardian.</summary>
internal static class FeedEntityProtocol
{
    /// <summary>
    /// Sent by every node at start to the feed of each tcp-connect source it may own (its role): starts the entity
    /// the first time; remember-entities restarts it after that. Crosses the network, hence a record with the source.
    /// </summary>
    public sealed record Start(string Source);

    /// <summary>Sharding's hand-off stop message (a rebalance, or the node leaving): drain the feed, then stop.</summary>
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();
    }

    /// <summary>To the guardian: the feed of <paramref name="Source"/> runs here now (it drains it and routes writes to it).</summary>
    public sealed record FeedStarted(string Source, IActorRef Feed);

    /// <summary>To the guardian: the feed of <paramref name="Source"/> stops because it is handed over, not because it failed.</summary>
    public sealed record FeedReleased(string Source, IActorRef Feed);
}
