using Akka.Actor;

namespace ActorNet.Connections.Udp;

/// <summary>
/// A peer's own reference: sinks acknowledge a batch to the reference it came with, and the acknowledgement does not
/// say which peer it is for, so each peer of a udp source has one of these children, which passes whatever it gets to
/// the source with the peer (acknowledgements, and a close or write from the admin API). Nothing else: the source
/// keeps all state.
/// </summary>
internal sealed class UdpPeerRelay(UdpPeer peer) : UntypedActor
{
    public static Props Props(UdpPeer peer) => Akka.Actor.Props.Create(() => new UdpPeerRelay(peer));

    protected override void OnReceive(object message) => Context.Parent.Tell(new UdpProtocol.ForPeer(peer, message, Sender));
}
