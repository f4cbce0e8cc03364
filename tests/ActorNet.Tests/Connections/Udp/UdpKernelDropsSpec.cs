using System.Net;
using System.Net.Sockets;
using ActorNet.Connections.Udp;
using Xunit;

namespace ActorNet.Tests.Connections.Udp;

public sealed class UdpKernelDropsSpec
{
    private const string Table = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
          310: 0100007F:D8CE 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 418811 2 0000000000000000 0         
          962: 00000000:1F90 00000000:0000 07 00000000:00001100 00:00000000 00000000     0        0 420123 2 0000000000000000 1742      
        """;

    [Fact]
    public void Reads_the_drops_column_of_the_line_with_the_sockets_inode()
    {
        Assert.Equal(1742, UdpKernelDrops.Find(Table, 420123));
        Assert.Equal(0, UdpKernelDrops.Find(Table, 418811));
    }

    [Fact]
    public void Finds_nothing_for_an_inode_not_in_the_table()
    {
        Assert.Null(UdpKernelDrops.Find(Table, 4));
    }

    [Theory]
    [InlineData("socket:[420123]", true, 420123)]
    [InlineData("pipe:[420123]", false, 0)]
    [InlineData("socket:[x]", false, 0)]
    public void Parses_the_inode_a_descriptor_links_to(string target, bool parsed, long inode)
    {
        Assert.Equal(parsed, UdpKernelDrops.TryParseInode(target, out var found));
        Assert.Equal(inode, found);
    }

    [Fact]
    public void Reads_zero_drops_for_a_fresh_socket_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var drops = UdpKernelDrops.For(socket);

        Assert.NotNull(drops);
        Assert.Equal(0, drops.Read());
    }
}
