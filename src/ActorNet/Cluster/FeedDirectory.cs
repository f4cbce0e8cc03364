using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorNet.Cluster;

/// <summary>
/// What a feed entity needs from its node to run there: the props of the feed (built by the node's guardian over its
/// parsers and sinks) and the guardian, which drains the feed with everything else. The guardian offers every
/// tcp-connect source here at start; an entity that sharding starts earlier waits for its offer.
/// Also the node's answer to "which feeds do you own now" (<see cref="Owned"/>).
/// </summary>
internal sealed class FeedDirectory
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FeedRoute>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _owned = new(StringComparer.Ordinal);

    /// <summary>Called by the guardian once the source's parsers and sinks run.</summary>
    public void Offer(string source, FeedRoute route) => Slot(source).TrySetResult(route);

    /// <summary>Completes when <paramref name="source"/> has been offered (at once if it already was).</summary>
    public Task<FeedRoute> WhenOffered(string source) => Slot(source).Task;

    public void Owning(string source) => _owned[source] = 0;

    public void Released(string source) => _owned.TryRemove(source, out _);

    /// <summary>The feeds whose entity runs on this node now, by name.</summary>
    public IReadOnlyList<string> Owned => _owned.Keys.Order(StringComparer.Ordinal).ToArray();

    private TaskCompletionSource<FeedRoute> Slot(string source) =>
        _routes.GetOrAdd(source, _ => new TaskCompletionSource<FeedRoute>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>How to start the feed of one tcp-connect source on this node, and who to tell that it runs.</summary>
/// <param name="FeedProps">Props of the <c>OutboundFeedActor</c>, bound to this node's parsers and sinks.</param>
/// <param name="Guardian">This node's guardian, told <see cref="FeedEntityProtocol.FeedStarted"/> and <see cref="FeedEntityProtocol.FeedReleased"/>.</param>
internal sealed record FeedRoute(Props FeedProps, IActorRef Guardian);
