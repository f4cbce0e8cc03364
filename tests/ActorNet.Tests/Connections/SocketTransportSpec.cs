using System.Net;
using System.Net.Sockets;
using ActorNet.Connections;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Tests.Connections;

/// <summary>
/// The plaintext reads of <see cref="SocketTransport"/> on a real loopback connection: each completion reaches the
/// actor as a message, and a transport closed while a read is pending ends that read with a failure (on a socket
/// engine thread, where anything thrown would end the process).
/// </summary>
public sealed class SocketTransportSpec : TestKit
{
    private static (Socket Server, Socket Client) Connected()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return (listener.Accept(), client);
    }

    [Fact]
    public void A_wait_then_a_read_then_the_peer_closing_arrive_as_messages_in_order()
    {
        var (server, client) = Connected();
        using var transport = new SocketTransport(server);
        using var _ = client;

        transport.BeginWaitForData(TestActor);
        client.Send("hello"u8);
        ExpectMsg<ConnectionProtocol.DataAvailable>();
        transport.ReadHandled();

        var buffer = new byte[64];
        transport.BeginReceive(buffer, 8, 32, TestActor);
        var read = ExpectMsg<ConnectionProtocol.ReadCompleted>();
        transport.ReadHandled();
        Assert.Same(buffer, read.Buffer);
        Assert.Equal(8, read.Offset);
        Assert.Equal("hello"u8.ToArray(), buffer.AsSpan(8, read.Count).ToArray());

        client.Shutdown(SocketShutdown.Send);
        transport.BeginReceive(buffer, 0, 64, TestActor);
        Assert.Equal(0, ExpectMsg<ConnectionProtocol.ReadCompleted>().Count);
    }

    [Fact]
    public void A_transport_closed_during_a_wait_or_a_read_ends_it_with_one_message_and_a_later_read_fails()
    {
        for (var i = 0; i < 50; i++)
        {
            var (server, client) = Connected();
            using var _ = client;
            var transport = new SocketTransport(server);
            if (i % 2 == 0) transport.BeginWaitForData(TestActor);
            else transport.BeginReceive(new byte[16], 0, 16, TestActor);

            // Dispose shuts the socket down first, which may wake the pending read as an end of stream before the
            // close fails it: either way exactly one message ends it.
            transport.Dispose();
            ExpectMsg<object>(m => m is ConnectionProtocol.ReadFailed or ConnectionProtocol.DataAvailable or ConnectionProtocol.ReadCompleted { Count: 0 });
            ExpectNoMsg(TimeSpan.FromMilliseconds(20));

            transport.BeginReceive(new byte[16], 0, 16, TestActor);
            ExpectMsg<ConnectionProtocol.ReadFailed>();
        }
    }
}
