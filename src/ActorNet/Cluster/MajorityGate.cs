using ActorNet.Logging;
using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Cluster;

/// <summary>
/// A feed connects only while its node is Up and sees more than half of the cluster's members reachable. Sharding
/// already starts a feed on one node only; this covers the node on the losing side of a split (or frozen with
/// SIGSTOP and resumed), which keeps running its feed until its own resolver downs it: if its session drops in that
/// window it must not open a new one, since a node of the majority is taking the feed over.
/// </summary>
internal sealed class MajorityGate
{
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly string _source;
    private readonly Microsoft.Extensions.Logging.ILogger _log;
    private bool _blocked;

    private MajorityGate(ActorSystem system, string source)
    {
        _cluster = Akka.Cluster.Cluster.Get(system);
        _source = source;
        _log = ActorNetLogging.Get(system).Feed;
    }

    /// <summary>The gate of <paramref name="source"/>'s feed, called on the feed actor's thread before each connect.</summary>
    public static Func<bool> For(ActorSystem system, string source) => new MajorityGate(system, source).MayConnect;

    private bool MayConnect()
    {
        var state = _cluster.State;
        var members = state.Members.Count(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.WeaklyUp);
        var unreachable = state.Unreachable.Count;
        var open = _cluster.SelfMember.Status == MemberStatus.Up && members > 0 && (members - unreachable) * 2 > members;
        if (!open && !_blocked) _log.FeedWaitsForMajority(_source, unreachable, members);
        _blocked = !open;
        return open;
    }
}
