using System.Net;
using System.Net.Sockets;
using ActorNet.Connections.Udp;
using ActorNet.Protocol;
using Xunit;

namespace ActorNet.Tests.Connections.Udp;

public sealed class UdpPeerTableSpec
{
    private static SocketAddress Address(int port) => new IPEndPoint(IPAddress.Loopback, port).Serialize();

    private static UdpPeer Peer(int port) => new(new ConnectionInfo("s", port, $"127.0.0.1:{port}"), Address(port), sinkSlots: 1);

    [Fact]
    public void Finds_a_peer_by_an_equal_address_it_does_not_hold()
    {
        var table = new UdpPeerTable(10);
        var peer = Peer(1000);
        table.Add(peer, []);

        Assert.Same(peer, table.Touch(Address(1000)));
        Assert.Null(table.Touch(Address(1001)));
    }

    [Fact]
    public void Forgets_the_least_recently_seen_peer_past_its_bound()
    {
        var table = new UdpPeerTable(2);
        var (a, b, c) = (Peer(1), Peer(2), Peer(3));
        var evicted = new List<UdpPeer>();
        table.Add(a, evicted);
        table.Add(b, evicted);
        table.Touch(Address(1));

        table.Add(c, evicted);

        Assert.Equal([b], evicted);
        Assert.Equal(2, table.Count);
        Assert.False(table.Contains(b));
        Assert.Null(table.Touch(Address(2)));
        Assert.Same(a, table.Touch(Address(1)));
    }

    [Fact]
    public void Copies_an_address_so_that_reusing_the_original_does_not_change_the_key()
    {
        var scratch = Address(7);
        var copy = UdpPeerTable.Copy(scratch.Buffer.Span[..scratch.Size], AddressFamily.InterNetwork);
        scratch.Buffer.Span[3] ^= 0xFF;

        Assert.Equal(Address(7), copy);
    }
}
