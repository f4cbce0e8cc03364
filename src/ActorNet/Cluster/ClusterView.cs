using Akka.Actor;
using Akka.Cluster;

namespace ActorNet.Cluster;

/// <summary>
/// The cluster as any node sees it, for the admin API: members from this node's membership state, feed owners and
/// sources and connections from asking every reachable member's <see cref="ClusterNodeActor"/>. A member that does not
/// answer in time is left out of the feeds and connections (it is still listed, with its status, and null sources).
/// </summary>
public sealed class ClusterView
{
    private readonly ActorSystem _system;
    private readonly Akka.Cluster.Cluster _cluster;

    internal ClusterView(ActorSystem system)
    {
        _system = system;
        _cluster = Akka.Cluster.Cluster.Get(system);
    }

    /// <summary>This node's address, such as <c>akka.tcp://actornet@127.0.0.1:4053</c>.</summary>
    public string SelfAddress => _cluster.SelfAddress.ToString();

    /// <summary>This node's <c>host:port</c> (Akka.Remote's), the value of the <c>node</c> label on its metrics.</summary>
    public string SelfNode => $"{_cluster.SelfAddress.Host}:{_cluster.SelfAddress.Port}";

    public async Task<ClusterSnapshot> DescribeAsync(TimeSpan timeout)
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var nodes = await AskAllAsync<ClusterNodeProtocol.NodeDescription>(new ClusterNodeProtocol.Describe(false), timeout).ConfigureAwait(false);
        // By address: a node restarted on its address answers once, as its membership lists it once.
        var sources = nodes.GroupBy(n => n.Node, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Sources, StringComparer.Ordinal);
        var members = state.Members
            .Select(m => new ClusterMember(m.Address.ToString(), unreachable.Contains(m.Address) ? "unreachable" : StatusName(m.Status),
                m.Roles.Order(StringComparer.Ordinal).ToArray(), sources.GetValueOrDefault(m.Address.ToString())))
            .ToArray();
        var feeds = nodes.SelectMany(n => n.Feeds.Select(f => new FeedOwner(f, n.Node))).OrderBy(f => f.Source, StringComparer.Ordinal).ToArray();
        return new ClusterSnapshot(members, feeds);
    }

    /// <summary>Every reachable node's open connections, by node, oldest first within one.</summary>
    public async Task<IReadOnlyList<ClusterNodeProtocol.NodeConnection>> ConnectionsAsync(TimeSpan timeout)
    {
        var nodes = await AskAllAsync<ClusterNodeProtocol.NodeDescription>(new ClusterNodeProtocol.Describe(true), timeout).ConfigureAwait(false);
        return nodes.SelectMany(n => n.Connections).ToArray();
    }

    /// <summary>Closes connection <paramref name="id"/> on whichever node holds it; false when none does.</summary>
    public async Task<bool> CloseAsync(long id, string reason, TimeSpan timeout)
    {
        var results = await AskAllAsync<ClusterNodeProtocol.CloseResult>(new ClusterNodeProtocol.CloseConnection(id, reason), timeout).ConfigureAwait(false);
        return results.Any(r => r.Found);
    }

    private async Task<IReadOnlyList<T>> AskAllAsync<T>(object question, TimeSpan timeout)
    {
        var state = _cluster.State;
        var asks = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.WeaklyUp && !state.Unreachable.Contains(m))
            .Select(m => AskOrNull<T>(_system.ActorSelection(new RootActorPath(m.Address) / "user" / ClusterNodeActor.Name), question, timeout))
            .ToArray();
        var answers = await Task.WhenAll(asks).ConfigureAwait(false);
        return answers.OfType<T>().ToArray();
    }

    private static async Task<T?> AskOrNull<T>(ActorSelection node, object question, TimeSpan timeout)
    {
        try
        {
            return await node.Ask<T>(question, timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // A node leaving or being downed: the view shows the others rather than failing.
            return default;
        }
    }

    private static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.WeaklyUp => "weakly-up",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>The body of <c>GET /api/cluster</c>.</summary>
public sealed record ClusterSnapshot(IReadOnlyList<ClusterMember> Members, IReadOnlyList<FeedOwner> Feeds);

/// <summary>
/// One member: its address, its status (joining, up, leaving, exiting, down, removed, or unreachable), its roles and
/// its sources as it reported them; <paramref name="Sources"/> is null when the member did not answer (unreachable,
/// leaving, or slower than the admin API's wait), which is not the same as a node without sources.
/// </summary>
public sealed record ClusterMember(string Address, string Status, IReadOnlyList<string> Roles, IReadOnlyList<ClusterNodeProtocol.NodeSource>? Sources);

/// <summary>Which node (its address) owns the feed of tcp-connect source <paramref name="Source"/>.</summary>
public sealed record FeedOwner(string Source, string Node);
