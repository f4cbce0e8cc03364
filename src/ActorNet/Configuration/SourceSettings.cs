namespace ActorNet.Configuration;

public enum SourceType
{
    /// <summary>Accept peers on host:port.</summary>
    TcpListen,

    /// <summary>Connect to host:port and reconnect whenever the connection is lost.</summary>
    TcpConnect,

    /// <summary>Receive UDP datagrams on host:port; each sender address is a peer.</summary>
    Udp,
    /// <summary>Follow the files a path or glob names, one connection per file.</summary>
    File,
}

public enum ReplyMode
{
    None,

    /// <summary>Write every received frame back to the peer it came from.</summary>
    Echo,
}

/// <summary>Reconnect policy of a tcp-connect source.</summary>
public sealed record ReconnectSettings(TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor, TimeSpan ResetAfter, int? MaxAttempts);

/// <summary>A payload written to the peer every <see cref="Interval"/>.</summary>
public sealed record HeartbeatSettings(TimeSpan Interval, byte[] Payload);

/// <summary>One entry of <c>actornet.sources</c>; see reference.conf for what each key means.</summary>
public sealed record SourceSettings(
    string Name,
    SourceType Type,
    string Host,
    int Port,
    int MaxConnections,
    TimeSpan? IdleTimeout,
    FramingSettings Framing,
    string Parser,
    IReadOnlyList<string> Sinks,
    string Quarantine,
    int MaxInflightFrames,
    long MaxInflightBytes,
    int ReadBufferSize,
    int QuarantineRawLimit,
    int ParserParallelism,
    RestartSettings Restart)
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// min-read-buffer-size: the smallest read buffer; reads adapt between it and <see cref="ReadBufferSize"/>.
    /// 0 (as built in code without it): fixed at read-buffer-size.
    /// </summary>
    public int MinReadBufferSize { get; init; }

    public ReconnectSettings Reconnect { get; init; } =
        new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2, TimeSpan.FromSeconds(60), null);

    /// <summary>Null when off.</summary>
    public HeartbeatSettings? Heartbeat { get; init; }

    /// <summary>Written after every connect; null when off.</summary>
    public byte[]? OnConnect { get; init; }

    public ReplyMode Reply { get; init; } = ReplyMode.None;

    /// <summary>The keys of a file source; null for other types.</summary>
    public FileSourceSettings? File { get; init; }

    /// <summary>
    /// Write <c>ACK n</c> to the peer once its frames 1..n are committed in every sink of the source (sinks that keep
    /// nothing count as committed once handed the frames) (ack.enabled).
    /// </summary>
    public bool Ack { get; init; }

    /// <summary>
    /// ack.final-wait: when the peer half-closes or ActorNet drains, how long the connection waits for the frames it
    /// read to be committed so that it can send the last <c>ACK n</c> before closing.
    /// </summary>
    public TimeSpan AckFinalWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>udp: the source's socket options and its peer table (receive-buffer-size, max-peers).</summary>
    public UdpSourceSettings Udp { get; init; } = UdpSourceSettings.Default;
    /// <summary>frame-timeout and min-data-rate: how long a tcp peer may take over a frame it has started.</summary>
    public SlowPeerSettings SlowPeers { get; init; } = SlowPeerSettings.Off;
    /// <summary>The <c>record</c> block: what its connections read and write, kept for replay and export.</summary>
    public RecordSettings Record { get; init; } = RecordSettings.Off;

    /// <summary>The <c>tls</c> block: TLS on the connections of a tcp-listen or tcp-connect source.</summary>
    public TlsSettings Tls { get; init; } = TlsSettings.Off;

    /// <summary>The sinks of this source followed by its quarantine sink (once, even if it is also a data sink).</summary>
    public IReadOnlyList<string> AllSinks => Sinks.Contains(Quarantine) ? Sinks : [.. Sinks, Quarantine];
}
