namespace ActorNet.Configuration;

public enum SourceType
{
    /// <summary>Accept peers on host:port.</summary>
    TcpListen,
}

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
    int ReadBufferSize,
    int QuarantineRawLimit,
    int ParserParallelism,
    RestartSettings Restart)
{
    /// <summary>The sinks of this source followed by its quarantine sink (once, even if it is also a data sink).</summary>
    public IReadOnlyList<string> AllSinks => Sinks.Contains(Quarantine) ? Sinks : [.. Sinks, Quarantine];
}
