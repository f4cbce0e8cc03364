using ActorNet.Configuration;

namespace ActorNet.Connections.Udp;

/// <summary>
/// What a udp source keeps across restarts of its actor: the socket and its receive round, the peers with their seqs and
/// acknowledgements, and what the source counts in flight and in the process budget. Created once per source with its
/// Props; only the current incarnation touches it.
/// </summary>
internal sealed class UdpSourceState(SourceSettings settings, UdpReceiver receiver, UdpFrameCutter cutter)
{
    public UdpReceiver Receiver { get; } = receiver;
    public UdpFrameCutter Cutter { get; } = cutter;
    public UdpChunk Chunk { get; } = new(Math.Max(settings.ReadBufferSize, cutter.Slot), cutter.Slot);
    public UdpPeerTable Peers { get; } = new(settings.Udp.MaxPeers);

    /// <summary>
    /// Every peer whose batches may still come back, by connection id: those in <see cref="Peers"/> and those evicted
    /// or closed with batches in flight. Sinks acknowledge to the source, and an acknowledgement names its connection.
    /// </summary>
    public Dictionary<long, UdpPeer> Acknowledging { get; } = [];

    /// <summary>The socket's own "address:port", recorded with each peer's open (the export's destination).</summary>
    public string LocalEndPoint { get; } = receiver.Socket.LocalEndPoint?.ToString() ?? "";

    /// <summary>Set by the first incarnation's PreStart.</summary>
    public bool Started { get; set; }

    /// <summary>Frames sent to the parser and not yet acknowledged by every sink, all peers together (max-inflight-frames).</summary>
    public long InflightFrames { get; set; }

    /// <summary>Bytes of the buffers of those batches (max-inflight-bytes), all counted in the process budget as in motion.</summary>
    public long PinnedBytes { get; set; }

    /// <summary>Bytes reserved in the process budget for the round under way (0 when none).</summary>
    public long Reserved { get; set; }

    public Akka.Actor.IActorRef? DrainRequester { get; set; }
}
