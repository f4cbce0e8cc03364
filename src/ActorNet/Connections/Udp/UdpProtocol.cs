namespace ActorNet.Connections.Udp;

/// <summary>
/// The private messages of <see cref="UdpSourceActor"/>. A receive round's end is the <see cref="UdpChunk"/> itself (no
/// message allocated per round).
/// </summary>
internal static class UdpProtocol
{
    /// <summary>The socket failed in a way that is not about one datagram: the source stops.</summary>
    public sealed record ReceiveFailed(Exception Cause);

    /// <summary>The socket was closed (a drain, a stop) while a round waited: it ends without datagrams.</summary>
    public sealed class ReceiveStopped
    {
        public static readonly ReceiveStopped Instance = new();
        private ReceiveStopped() { }
    }

    /// <summary>
    /// A message for one peer (an acknowledgement from a sink, a close or a write from the admin API), sent to the
    /// peer's own reference and brought to the source actor with the peer it is for.
    /// </summary>
    public sealed record ForPeer(UdpPeer Peer, object Message, Akka.Actor.IActorRef Sender) : Akka.Actor.INotInfluenceReceiveTimeout;
}
