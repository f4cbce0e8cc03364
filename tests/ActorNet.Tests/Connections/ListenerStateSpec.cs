using System.Net.Sockets;
using ActorNet.Connections;
using Akka.Actor;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class ListenerStateSpec
{
    private static readonly IActorRef[] Children = Enumerable.Range(0, 3).Select(_ => (IActorRef)new FakeRef()).ToArray();

    [Fact]
    public void A_child_that_ends_twice_is_uncounted_once()
    {
        var state = new ListenerState();
        foreach (var child in Children) state.Admitted(child);

        Assert.True(state.Ended(Children[0]));
        Assert.False(state.Ended(Children[0]));
        Assert.Equal(2, state.Connections);
    }

    [Fact]
    public void A_drain_finishes_once_and_only_when_no_connection_is_left()
    {
        var state = new ListenerState();
        foreach (var child in Children) state.Admitted(child);
        Assert.False(state.TryFinishDrain());

        state.StartDrain(new FakeRef());
        Assert.False(state.TryFinishDrain());
        foreach (var child in Children) state.Ended(child);

        Assert.True(state.TryFinishDrain());
        Assert.False(state.TryFinishDrain());
        Assert.False(state.Ended(Children[1]));
        Assert.False(state.TryFinishDrain());
    }

    [Fact]
    public void A_connection_ending_gives_its_address_a_slot_back_once_and_pending_proxy_headers_take_slots()
    {
        var state = new ListenerState(ActorNet.Configuration.AdmissionSettings.Open with { MaxConnectionsPerIp = 1 });
        var address = System.Net.IPAddress.Parse("192.0.2.1");
        state.Admitted(Children[0], address);
        state.Admitted(Children[1]);
        state.ProxyHeadersPending = 2;

        Assert.Equal(4, state.Occupied);
        Assert.Equal("per-ip", state.Peers.Check(address, 0)?.Reason);
        Assert.True(state.Ended(Children[0]));
        Assert.False(state.Ended(Children[0]));
        Assert.Null(state.Peers.Check(address, 0));
        Assert.Equal(0, state.Peers.Addresses);
        Assert.Equal(3, state.Occupied);
    }

    [Theory]
    [InlineData(SocketError.ConnectionAborted, "Transient")]
    [InlineData(SocketError.ConnectionReset, "Transient")]
    [InlineData(SocketError.ProtocolOption, "Transient")]
    [InlineData(SocketError.TooManyOpenSockets, "Resources")]
    [InlineData(SocketError.NoBufferSpaceAvailable, "Resources")]
    [InlineData(SocketError.SocketError, "Resources")]
    [InlineData(SocketError.NotSocket, "Fatal")]
    [InlineData(SocketError.InvalidArgument, "Fatal")]
    public void Accept_errors_are_sorted_into_retry_at_once_pause_and_give_up(SocketError error, string kind) =>
        Assert.Equal(kind, AcceptErrors.Classify(error).ToString());

    private sealed class FakeRef : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "test")) / Guid.NewGuid().ToString("N");
        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
