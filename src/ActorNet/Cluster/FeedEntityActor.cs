using ActorNet.Connections;
using ActorNet.Logging;
using ActorNet.Monitoring;
using Akka.Actor;

namespace ActorNet.Cluster;

/// <summary>
/// The sharded entity of one tcp-connect source: wherever sharding places it, it runs the source's
/// <see cref="OutboundFeedActor"/> (and so its connection, its reconnect state and its routing to this node's
/// parsers and sinks) as its child. Sharding guarantees one entity per source in the cluster; remember-entities
/// starts it again on another node when its node dies or leaves.
/// <code>
///   WaitingForRoute --route offered--> Running --HandOff--> HandingOff --feed drained and stopped--> (stopped)
///   WaitingForRoute --HandOff--> (stopped)
///   Running --feed stopped for good--> (stopped; sharding restarts a remembered entity)
/// </code>
/// A hand-off drains the feed first (its connection closes, every frame already read goes to the sinks), so the
/// next owner connects only after this one has let go: the feed server never sees two sessions from a hand-off.
/// </summary>
internal sealed class FeedEntityActor : UntypedActor
{
    private readonly string _source;
    private readonly FeedDirectory _directory;
    private readonly SourceStatus? _status;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Feed;
    private FeedRoute? _route;
    private IActorRef? _feed;

    public FeedEntityActor(string source, FeedDirectory directory, SourceStatus? status)
    {
        _source = source;
        _directory = directory;
        _status = status;
    }

    /// <param name="status">The source's status on this node; null for a source this node does not define (its entity then
    /// never gets a route: every node must define the same tcp-connect sources).</param>
    public static Props Props(string source, FeedDirectory directory, SourceStatus? status) =>
        Akka.Actor.Props.Create(() => new FeedEntityActor(source, directory, status));

    /// <summary>
    /// As the guardian supervises a feed on a single node (see <c>ActorNetGuardian.SupervisorStrategy</c>): a feed that
    /// throws is restarted without a limit, one that cannot be constructed is stopped.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, e => e is ActorInitializationException ? Directive.Stop : Directive.Restart);

    protected override void PreStart()
    {
        _directory.Owning(_source);
        _log.FeedOwned(_source, Context.System.Name);
        _directory.WhenOffered(_source).PipeTo(Self);
    }

    protected override void PostStop()
    {
        _directory.Released(_source);
        // The feed's own PostStop said "stopped": from this node's view the feed now lives elsewhere.
        _status?.SetState(SourceStates.OwnedElsewhere);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case FeedRoute route:
                _route = route;
                _feed = Context.ActorOf(route.FeedProps, "feed");
                Context.Watch(_feed);
                route.Guardian.Tell(new FeedEntityProtocol.FeedStarted(_source, _feed));
                Become(Running);
                break;
            case FeedEntityProtocol.HandOff:
                Context.Stop(Self);
                break;
            case FeedEntityProtocol.Start:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Running(object message)
    {
        switch (message)
        {
            case FeedEntityProtocol.Start:
                break;
            case FeedEntityProtocol.HandOff:
                _log.FeedHandingOff(_source);
                _route!.Guardian.Tell(new FeedEntityProtocol.FeedReleased(_source, _feed!));
                _feed!.Tell(ConnectionProtocol.Drain.Instance);
                Become(HandingOff);
                break;
            case Terminated t when t.ActorRef.Equals(_feed):
                // Stopped for good (the guardian, watching it too, reports it): a remembered entity is started again.
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void HandingOff(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Drained:
                Context.Stop(_feed!);
                break;
            case Terminated t when t.ActorRef.Equals(_feed):
                _log.FeedHandedOff(_source);
                Context.Stop(Self);
                break;
        }
    }
}
