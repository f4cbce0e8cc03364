using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>Messages of the connection actor family (listener and connections).</summary>
public static class ConnectionProtocol
{
    /// <summary>Stop reading, deliver what was read, close: part of a graceful stop.</summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();
        private Drain() { }
    }

    /// <summary>Reply to <see cref="Drain"/> from a listener once all its connections are closed.</summary>
    public sealed class Drained
    {
        public static readonly Drained Instance = new();
        private Drained() { }
    }

    /// <summary>Close this peer now (operator action or test); frames already read are still delivered.</summary>
    public sealed record Close(string Reason);

    /// <summary>
    /// Write <see cref="Payload"/> to the peer as one frame in the source's framing. The connection replies
    /// <see cref="Status.Success"/> once the frame is queued, or <see cref="Status.Failure"/> when it cannot be
    /// framed or too much is already waiting to be sent.
    /// </summary>
    public sealed record Write(ReadOnlyMemory<byte> Payload);

    /// <summary>Write a frame to every peer of a source; the source replies <see cref="BroadcastSent"/>.</summary>
    public sealed record Broadcast(ReadOnlyMemory<byte> Payload);

    /// <summary>
    /// Routed by the guardian to source <see cref="Source"/>, which hands <see cref="Write"/> to connection
    /// <see cref="ConnectionId"/> (that connection replies) or replies <see cref="ConnectionNotFound"/>.
    /// </summary>
    public sealed record WriteTo(string Source, long ConnectionId, ReadOnlyMemory<byte> Payload);

    /// <summary>Routed by the guardian to source <see cref="Source"/>'s actor.</summary>
    public sealed record BroadcastTo(string Source, ReadOnlyMemory<byte> Payload);

    public sealed class ConnectionNotFound
    {
        public static readonly ConnectionNotFound Instance = new();
        private ConnectionNotFound() { }
    }

    /// <summary>How many connections a broadcast was handed to.</summary>
    public sealed record BroadcastSent(int Connections);

    /// <summary>Told to a feed's connection parent when the connection's TLS handshake is done: the feed is connected from then on.</summary>
    public sealed record Established(long ConnectionId, string Peer);

    /// <summary>Told to a connection's parent just before it stops, with the reason (for logs and reconnects).</summary>
    public sealed record ConnectionClosed(long ConnectionId, string Reason);

    /// <summary>The listener accepted a socket.</summary>
    internal sealed record Accepted(System.Net.Sockets.Socket Socket);

    /// <summary>The accept loop ended (the listening socket was closed or failed).</summary>
    internal sealed record AcceptFailed(Exception Cause);

    /// <summary>A zero-byte receive completed: data is waiting in the kernel.</summary>
    internal sealed class DataAvailable
    {
        public static readonly DataAvailable Instance = new();
        private DataAvailable() { }
    }

    /// <summary>
    /// A receive completed with <see cref="Count"/> bytes at <see cref="Offset"/> (0 = the peer closed). A plaintext
    /// socket's receiver reuses one (<see cref="Set"/>): a socket has one receive at a time and the actor handles its
    /// completion before it starts the next, so the message is read only while it is current.
    /// </summary>
    internal sealed class ReadCompleted(byte[] buffer, int offset, int count)
    {
        public byte[] Buffer { get; private set; } = buffer;
        public int Offset { get; private set; } = offset;
        public int Count { get; private set; } = count;

        public ReadCompleted Set(byte[] buffer, int offset, int count)
        {
            Buffer = buffer;
            Offset = offset;
            Count = count;
            return this;
        }
    }

    internal sealed record ReadFailed(Exception Cause);

    /// <summary>A send completed; writing does not count as hearing from the peer (idle timeout).</summary>
    internal sealed record WriteCompleted(byte[] Buffer, int Count) : INotInfluenceReceiveTimeout;

    internal sealed record WriteFailed(byte[] Buffer, Exception Cause) : INotInfluenceReceiveTimeout;

    /// <summary>Time to send the heartbeat; not a sign of life from the peer.</summary>
    internal sealed class HeartbeatTick : INotInfluenceReceiveTimeout
    {
        public static readonly HeartbeatTick Instance = new();
        private HeartbeatTick() { }
    }

    /// <summary>Time to check the frame held against frame-timeout and min-data-rate; not a sign of life from the peer.</summary>
    internal sealed class FrameCheck : INotInfluenceReceiveTimeout
    {
        public static readonly FrameCheck Instance = new();
        private FrameCheck() { }
    }

    /// <summary>Time to check how long the peer has been silent against idle-timeout (<see cref="IdleClock"/>).</summary>
    internal sealed class IdleCheck : INotInfluenceReceiveTimeout
    {
        public static readonly IdleCheck Instance = new();
        private IdleCheck() { }
    }

    /// <summary>The restart backoff is over: start reading again.</summary>
    internal sealed class ResumeAfterRestart
    {
        public static readonly ResumeAfterRestart Instance = new();
        private ResumeAfterRestart() { }
    }

    /// <summary>Bytes were released in the process budget and this connection is first in its queue: try to read again. Not a sign of life from the peer.</summary>
    internal sealed class BudgetAvailable : INotInfluenceReceiveTimeout
    {
        public static readonly BudgetAvailable Instance = new();
        private BudgetAvailable() { }
    }
}
