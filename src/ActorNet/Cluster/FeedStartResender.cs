using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Cluster;

/// <summary>
/// Sends the start message of every feed this node may own to its shard region again: at once when a member is
/// removed, and every <see cref="Interval"/> while this node is up. A feed whose entity runs ignores it (the message
/// only reaches the entity on the node that owns the feed); a feed with no running entity is started by it.
/// </summary>
/// <remarks>
/// Remember-entities alone does not cover a node killed within seconds of the cluster forming: the coordinator's state
/// and the remembered entities live in Akka's in-memory distributed data, written by the node that first allocated the
/// feed and gossiped to the others every 2 s. When that node dies before its gossip reached anyone, the new coordinator
/// starts from nothing, nobody remembers the feed, and without a message for it the feed would never start again
/// (seen on a quiet machine about one run in two when the owner was killed ~1 s after the cluster formed).
/// </remarks>
internal sealed class FeedStartResender : ReceiveActor, IWithTimers
{
    /// <summary>Often enough to stay well inside the stated failover time, rarely enough to cost nothing.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly IReadOnlyList<(IActorRef Region, FeedEntityProtocol.Start Start)> _feeds;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    public ITimerScheduler Timers { get; set; } = null!;

    public FeedStartResender(IReadOnlyList<(IActorRef Region, FeedEntityProtocol.Start Start)> feeds)
    {
        _feeds = feeds;
        Receive<ClusterEvent.MemberRemoved>(_ => Resend());
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Tick>(_ => Resend());
    }

    public static Props Props(IReadOnlyList<(IActorRef Region, FeedEntityProtocol.Start Start)> feeds) =>
        Akka.Actor.Props.Create(() => new FeedStartResender(feeds));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, Interval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Resend()
    {
        // A node that is joining has no coordinator to ask yet (the region buffers its first start); one that is leaving
        // hands its feeds off and must not call them back.
        if (_cluster.SelfMember.Status != MemberStatus.Up) return;
        foreach (var (region, start) in _feeds) region.Tell(start);
    }
}
