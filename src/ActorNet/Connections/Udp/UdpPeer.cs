using System.Net;
using ActorNet.Monitoring;
using ActorNet.Protocol;
using Akka.Actor;

namespace ActorNet.Connections.Udp;

/// <summary>
/// One sender address of a udp source: its identity (a connection id, shown in /api/connections), its seq and the
/// acknowledgements of its batches, kept while it is among the source's max-peers most recently seen.
/// </summary>
internal sealed class UdpPeer
{
    public UdpPeer(ConnectionInfo info, SocketAddress address, int sinkSlots)
    {
        Info = info;
        Address = address;
        Ledger = new AckLedger(sinkSlots);
    }

    public ConnectionInfo Info { get; }

    /// <summary>The sender's address, owned by this peer (a copy of the receive loop's).</summary>
    public SocketAddress Address { get; }

    public AckLedger Ledger { get; }

    /// <summary>
    /// The peer's own reference, its identity in /api/connections: the admin API's close and write reach the source
    /// through it (<see cref="UdpPeerRelay"/>). Acknowledgements do not: they carry their connection and go to the source.
    /// </summary>
    public IActorRef Relay { get; set; } = ActorRefs.Nobody;

    public ConnectionStatus Status { get; set; } = null!;

    /// <summary>Its place in the table's least-recently-seen order.</summary>
    internal LinkedListNode<UdpPeer>? Node { get; set; }

    public bool HasInflight => Ledger.Inflight > 0;
}
