using Akka.Actor;

namespace ActorNet.Connections.Udp;

/// <summary>
/// A peer's own reference, its identity in the admin API: passes what it gets (a close or a write) to the source with
/// the peer. Nothing else: the source keeps all state, and acknowledgements go to the source directly (a batch carries
/// its connection).
/// </summary>
internal sealed class UdpPeerRelay(UdpPeer peer) : UntypedActor
{
    public static Props Props(UdpPeer peer) => Akka.Actor.Props.Create(() => new UdpPeerRelay(peer));

    protected override void OnReceive(object message) => Context.Parent.Tell(new UdpProtocol.ForPeer(peer, message, Sender));
}
