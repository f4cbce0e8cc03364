using System.Net;
using System.Net.Sockets;
using ActorNet.Connections.Udp;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Tests.Connections.Udp;

/// <summary>
/// The receive rounds of a udp source on its own thread, over a real loopback socket: each round ends with exactly one
/// message to the actor, and closing the receiver ends a round that waits and the thread.
/// </summary>
public sealed class UdpReceiverSpec : TestKit
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly UdpReceiver _receiver;

    public UdpReceiverSpec()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiver = new UdpReceiver(_socket, "spec");
    }

    [Fact]
    public void A_round_takes_what_is_queued_and_the_next_round_waits_for_more()
    {
        for (var i = 0; i < 3; i++) Send($"datagram {i}");
        // All three are queued before the round starts: one round takes them all, each with its sender.
        AwaitCondition(() => _socket.Available > 0);
        var chunk = new UdpChunk(64 * 1024, 2048);
        _receiver.BeginReceive(chunk, TestActor);
        ExpectMsg<UdpChunk>(c => ReferenceEquals(c, chunk));
        Assert.Equal(3, chunk.Count);
        Assert.Equal("datagram 2", System.Text.Encoding.ASCII.GetString(chunk.Bytes(2)));
        _receiver.ReceiveHandled();

        _receiver.BeginReceive(chunk, TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Send("later");
        ExpectMsg<UdpChunk>();
        Assert.Equal(1, chunk.Count);
        Assert.Equal("later", System.Text.Encoding.ASCII.GetString(chunk.Bytes(0)));
    }

    [Fact]
    public void Closing_the_receiver_ends_a_waiting_round_with_receive_stopped_and_the_thread_ends()
    {
        var chunk = new UdpChunk(64 * 1024, 2048);
        _receiver.BeginReceive(chunk, TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.True(_receiver.ThreadAlive);

        _receiver.Dispose();
        // Well within the receive's 500 ms disposed-check interval: the close itself interrupts the receive.
        ExpectMsg<UdpProtocol.ReceiveStopped>(TimeSpan.FromMilliseconds(400));
        AwaitAssert(() => Assert.False(_receiver.ThreadAlive));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Closing_the_receiver_between_rounds_ends_the_thread_without_a_message()
    {
        Send("one");
        var chunk = new UdpChunk(64 * 1024, 2048);
        _receiver.BeginReceive(chunk, TestActor);
        ExpectMsg<UdpChunk>();
        _receiver.ReceiveHandled();
        Assert.True(_receiver.ThreadAlive);

        _receiver.Dispose();
        AwaitAssert(() => Assert.False(_receiver.ThreadAlive));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    private void Send(string text) =>
        _client.SendTo(System.Text.Encoding.ASCII.GetBytes(text), SocketFlags.None, _socket.LocalEndPoint!);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _receiver.Dispose();
            _client.Dispose();
        }
        base.Dispose(disposing);
    }
}
