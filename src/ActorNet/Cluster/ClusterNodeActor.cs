using ActorNet.Connections;
using ActorNet.Monitoring;
using Akka.Actor;

namespace ActorNet.Cluster;

/// <summary>
/// Every node's answer to the others about itself: which feeds it owns, its sources and which connections it holds,
/// and the close of one of them. It reads the node's status snapshots, never asks another actor, so a busy node still
/// answers.
/// </summary>
internal sealed class ClusterNodeActor : ReceiveActor
{
    /// <summary>Its name under /user: the same on every node, so a node finds the others' from their addresses.</summary>
    public const string Name = "actornet-node";

    public ClusterNodeActor(FeedDirectory directory, ActorNetStatus status)
    {
        var node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<ClusterNodeProtocol.Describe>(describe => Sender.Tell(new ClusterNodeProtocol.NodeDescription(node, directory.Owned,
            status.Sources.Select(s => new ClusterNodeProtocol.NodeSource(s.Name, s.Type, s.State, s.ConnectionsActive, s.FramesReceived, s.BytesReceived)).ToArray(),
            describe.WithConnections ? status.Connections.Select(c => new ClusterNodeProtocol.NodeConnection(node, c.Id, c.Source, c.Peer,
                c.ConnectedAt, c.LastFrameAt, c.FramesReceived, c.BytesReceived, c.FramesQuarantined, c.HeldBytes, c.ClientSubject)).ToArray() : [])));
        Receive<ClusterNodeProtocol.CloseConnection>(close =>
        {
            var connection = status.Connection(close.Id);
            connection?.Actor.Tell(new ConnectionProtocol.Close(close.Reason));
            Sender.Tell(new ClusterNodeProtocol.CloseResult(node, close.Id, connection is not null));
        });
    }

    public static Props Props(FeedDirectory directory, ActorNetStatus status) => Akka.Actor.Props.Create(() => new ClusterNodeActor(directory, status));
}
