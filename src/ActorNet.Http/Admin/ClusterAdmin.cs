using ActorNet.Cluster;
using ActorNet.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;

namespace ActorNet.Http.Admin;

/// <summary>
/// The admin API of a cluster node (<c>actornet.cluster.enabled = on</c>): <c>GET /api/cluster</c>, and
/// <c>/api/connections</c> with <c>DELETE /api/connections/{id}</c> over every node's connections, asked over Akka
/// remoting. On a single node <c>/api/cluster</c> answers 404 and the connection endpoints read the local status.
/// </summary>
internal static class ClusterAdmin
{
    /// <summary>How long a node waits for the others' answers; a node that does not answer in time is left out.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static void MapCluster(this RouteGroupBuilder api, ActorNetService service)
    {
        api.MapGet("/cluster", async () => service.Cluster is { } cluster
            ? Results.Json(ClusterResponse.From(await cluster.DescribeAsync(AskTimeout)), AdminJsonContext.Default.ClusterResponse)
            : Results.Json(new ErrorResponse("this node is not in a cluster (actornet.cluster.enabled = off)"), AdminJsonContext.Default.ErrorResponse,
                statusCode: StatusCodes.Status404NotFound));
    }

    /// <summary>Every node's open connections, each with its node; on a single node, this one's.</summary>
    public static async Task<ConnectionsResponse> ConnectionsAsync(ActorNetService service) =>
        service.Cluster is { } cluster
            ? new ConnectionsResponse((await cluster.ConnectionsAsync(AskTimeout)).Select(ConnectionView.From).ToArray())
            : new ConnectionsResponse(service.Status.Connections.Select(ConnectionView.From).ToArray());

    /// <summary>Closes connection <paramref name="id"/> on whichever node holds it; false when none does.</summary>
    public static async Task<bool> CloseAsync(ActorNetService service, long id, string reason) =>
        service.CloseConnection(id, reason) || (service.Cluster is { } cluster && await cluster.CloseAsync(id, reason, AskTimeout));
}

/// <summary>The body of <c>GET /api/cluster</c>.</summary>
public sealed record ClusterResponse(IReadOnlyList<ClusterMemberView> Members, IReadOnlyList<FeedOwnerView> Feeds)
{
    internal static ClusterResponse From(ClusterSnapshot snapshot) => new(
        snapshot.Members.Select(m => new ClusterMemberView(m.Address, m.Status, m.Roles,
            m.Sources?.Select(s => new MemberSourceView(s.Name, s.Type, s.State, s.ConnectionsActive, s.Frames, s.Bytes)).ToArray())).ToArray(),
        snapshot.Feeds.Select(f => new FeedOwnerView(f.Source, f.Node)).ToArray());
}

/// <summary>One member of the cluster: its address, status (joining, up, leaving, exiting, down, removed, unreachable) and roles.</summary>
/// <param name="Sources">The sources the member runs, as it reported them; null when it did not answer in time (its entry stays, with what its membership says).</param>
public sealed record ClusterMemberView(string Address, string Status, IReadOnlyList<string> Roles, IReadOnlyList<MemberSourceView>? Sources);

/// <summary>
/// One source of a member, from that member's own status: its type (tcp-listen, tcp-connect, udp, file), its state
/// there (a feed that another node owns is <c>owned-elsewhere</c>) and that member's counters for it since it started.
/// </summary>
public sealed record MemberSourceView(string Name, string Type, string State, int ConnectionsActive, long Frames, long Bytes);

/// <summary>The node (its address) that owns the feed of tcp-connect source <paramref name="Source"/> now.</summary>
public sealed record FeedOwnerView(string Source, string Node);
