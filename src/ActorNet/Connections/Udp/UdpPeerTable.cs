using System.Net;

namespace ActorNet.Connections.Udp;

/// <summary>
/// The peers of a udp source by address, with the order in which they were last seen. Pure: no actors, sockets or
/// metrics. A lookup of a known address allocates nothing (<see cref="SocketAddress"/> compares by value); a new one
/// copies the address once. Past max-peers the least recently seen peer is forgotten: its batches still at the sinks
/// are acknowledged to the peer object all the same (the source keeps it until they are), but its address is looked up
/// no more, and a datagram from it later starts a new peer.
/// </summary>
internal sealed class UdpPeerTable
{
    private readonly Dictionary<SocketAddress, UdpPeer> _byAddress = new();
    private readonly LinkedList<UdpPeer> _recency = new();
    private readonly int _maxPeers;

    public UdpPeerTable(int maxPeers) => _maxPeers = maxPeers;

    public int Count => _byAddress.Count;

    public IEnumerable<UdpPeer> Peers => _byAddress.Values;

    /// <summary>The peer at <paramref name="address"/>, now the most recently seen; null when unknown.</summary>
    public UdpPeer? Touch(SocketAddress address)
    {
        if (!_byAddress.TryGetValue(address, out var peer)) return null;
        if (peer.Node!.Next is not null)
        {
            _recency.Remove(peer.Node);
            _recency.AddLast(peer.Node);
        }
        return peer;
    }

    /// <summary>Adds <paramref name="peer"/> as the most recently seen; the peers forgotten to make room go to <paramref name="evicted"/>.</summary>
    public void Add(UdpPeer peer, List<UdpPeer> evicted)
    {
        _byAddress.Add(peer.Address, peer);
        peer.Node = _recency.AddLast(peer);
        while (_byAddress.Count > _maxPeers)
        {
            var oldest = _recency.First!.Value;
            Remove(oldest);
            evicted.Add(oldest);
        }
    }

    public bool Contains(UdpPeer peer) => peer.Node is not null;

    public void Remove(UdpPeer peer)
    {
        if (peer.Node is null) return;
        _byAddress.Remove(peer.Address);
        _recency.Remove(peer.Node);
        peer.Node = null;
    }

    /// <summary>A copy of <paramref name="address"/> that the table may keep (the receive loop reuses its own).</summary>
    public static SocketAddress Copy(ReadOnlySpan<byte> address, System.Net.Sockets.AddressFamily family)
    {
        var copy = new SocketAddress(family, address.Length);
        address.CopyTo(copy.Buffer.Span);
        return copy;
    }
}
