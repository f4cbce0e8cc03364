using ActorNet.Monitoring;

namespace ActorNet.Http.Admin;

/// <summary>One sink in <c>GET /api/sinks</c>.</summary>
/// <param name="State"><c>writing</c> or <c>failing</c>.</param>
/// <param name="CanWrite">False from a failed write or health probe until the next success; /health/ready follows it.</param>
/// <param name="BacklogFrames">Frames taken but not yet written (spooled, or held while the sink cannot write).</param>
public sealed record SinkView(
    string Name,
    string Type,
    string State,
    bool CanWrite,
    string? LastError,
    long FramesWritten,
    long WriteFailures,
    long BacklogFrames,
    long SpoolBytes,
    long Dropped)
{
    public static SinkView From(SinkStatus sink) => new(
        sink.Name, sink.Type, sink.State, sink.CanWrite, sink.LastError, sink.FramesWritten, sink.WriteFailures,
        sink.BacklogFrames, sink.SpoolBytes, sink.Dropped);
}

/// <summary>The body of <c>GET /api/sinks</c>, by name.</summary>
public sealed record SinksResponse(IReadOnlyList<SinkView> Sinks);
