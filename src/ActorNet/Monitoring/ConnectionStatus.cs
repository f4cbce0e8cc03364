using Akka.Actor;

namespace ActorNet.Monitoring;

/// <summary>
/// One open connection as operators see it. Written by its connection actor once per batch (frames, bytes,
/// last frame) and by its parser (quarantined); read from any thread.
/// </summary>
public sealed class ConnectionStatus
{
    private long _frames;
    private long _bytes;
    private long _quarantined;
    private long _lastFrameTicks;
    private long _lastAcked;
    private long _heldBytes;

    internal ConnectionStatus(long id, string source, string peer, IActorRef actor)
    {
        Id = id;
        Source = source;
        Peer = peer;
        Actor = actor;
    }

    public long Id { get; }
    public string Source { get; }
    public string Peer { get; }
    public DateTime ConnectedAt { get; } = DateTime.UtcNow;

    /// <summary>The subject of the client certificate a TLS peer presented; null without one (or before its handshake).</summary>
    public string? ClientSubject
    {
        get => Volatile.Read(ref _clientSubject);
        internal set => Volatile.Write(ref _clientSubject, value);
    }

    private string? _clientSubject;

    /// <summary>When the last read that produced frames completed (UTC); null before the first frame.</summary>
    public DateTime? LastFrameAt => UtcTicks.Read(ref _lastFrameTicks);

    public long FramesReceived => Interlocked.Read(ref _frames);
    public long BytesReceived => Interlocked.Read(ref _bytes);
    public long FramesQuarantined => Interlocked.Read(ref _quarantined);

    /// <summary>With ack.enabled: the last <c>n</c> sent to the peer as <c>ACK n</c>.</summary>
    public long LastAcked => Interlocked.Read(ref _lastAcked);

    /// <summary>
    /// Bytes this connection holds now (max-inflight-bytes counts them): read buffers of batches not yet
    /// acknowledged by every sink, the buffer with the partial frame, and queued writes; whole buffers, not bytes used.
    /// </summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    internal IActorRef Actor { get; }

    internal void Read(int bytes) => Interlocked.Add(ref _bytes, bytes);

    internal void Framed(int frames, DateTime at)
    {
        Interlocked.Add(ref _frames, frames);
        UtcTicks.Write(ref _lastFrameTicks, at);
    }

    internal void Quarantined(int frames) => Interlocked.Add(ref _quarantined, frames);

    internal void Acked(long upTo) => Interlocked.Exchange(ref _lastAcked, upTo);

    internal void Held(long bytes) => Interlocked.Exchange(ref _heldBytes, bytes);
}
