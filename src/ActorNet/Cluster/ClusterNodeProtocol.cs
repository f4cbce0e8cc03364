namespace ActorNet.Cluster;

/// <summary>
/// What one node asks another's <see cref="ClusterNodeActor"/> (at <see cref="ClusterNodeActor.Name"/> under /user) for
/// the cluster-wide admin view. Records of plain values: they cross the network with Akka's default serializer.
/// </summary>
public static class ClusterNodeProtocol
{
    /// <summary>Asks for <see cref="NodeDescription"/>.</summary>
    public sealed record Describe(bool WithConnections);

    /// <summary>
    /// A node's feeds (the sources whose entity runs there), its sources as its own status shows them and, when asked
    /// for, its open connections.
    /// </summary>
    public sealed record NodeDescription(string Node, IReadOnlyList<string> Feeds, IReadOnlyList<NodeSource> Sources, IReadOnlyList<NodeConnection> Connections);

    /// <summary>
    /// One source of a node, from that node's status: its type, its state there (a feed another node owns is
    /// <c>owned-elsewhere</c>) and the node's counters for it since the node started.
    /// </summary>
    public sealed record NodeSource(string Name, string Type, string State, int ConnectionsActive, long Frames, long Bytes);

    /// <summary>One open connection of a node, as <c>/api/connections</c> shows it, with the node's address.</summary>
    public sealed record NodeConnection(
        string Node, long Id, string Source, string Peer, DateTime ConnectedAt, DateTime? LastFrameAt,
        long Frames, long Bytes, long Quarantined, long HeldBytes, string? ClientSubject);

    /// <summary>Closes connection <paramref name="Id"/> if this node holds it; answered with <see cref="CloseResult"/>.</summary>
    public sealed record CloseConnection(long Id, string Reason);

    public sealed record CloseResult(string Node, long Id, bool Found);
}
