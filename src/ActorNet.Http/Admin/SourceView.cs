using System.Text.Json.Serialization;
using ActorNet.Connections;
using ActorNet.Monitoring;

namespace ActorNet.Http.Admin;

/// <summary>One source in <c>GET /api/sources</c>.</summary>
/// <param name="Type">tcp-listen, tcp-connect or udp.</param>
/// <param name="Endpoint">The address listened on, or the feed server connected to.</param>
/// <param name="State">One of <see cref="SourceStates"/>; for a tcp-connect feed, the state of its connection.</param>
/// <param name="LastError">tcp-connect: why the last attempt or connection ended; null for listeners and feeds that never failed.</param>
/// <param name="Restarts">Connection actors of this source restarted after a failure (each kept its socket).</param>
/// <param name="NextAttemptAt">tcp-connect while backing off: when the next attempt is due (UTC).</param>
/// <param name="HeldBytes">Bytes held by the source's open connections together (see <see cref="ConnectionView.HeldBytes"/>).</param>
/// <param name="MaxInflightBytes">max-inflight-bytes: what each one of its connections may hold.</param>
/// <param name="ProcessBudgetPauses">Times one of its connections stopped reading because its next read did not fit in actornet.max-buffered-bytes.</param>
/// <param name="ReceiveBufferRequested">udp: receive-buffer-size (left out for the kernel's default, and for TCP sources).</param>
/// <param name="ReceiveBufferGranted">udp: the receive buffer the kernel granted (Linux clamps the request silently); left out for TCP sources.</param>
public sealed record SourceView(
    string Name,
    string Type,
    string Endpoint,
    string State,
    int ConnectionsActive,
    long ConnectionsAccepted,
    long ConnectionsRejected,
    long Frames,
    long Bytes,
    long Quarantined,
    long Restarts,
    long Reconnects,
    string? LastError,
    DateTime? NextAttemptAt,
    long HeldBytes,
    long MaxInflightBytes,
    long ProcessBudgetPauses,
    // Left out for TCP sources (null), so that their shape stays as it was.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ReceiveBufferRequested = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ReceiveBufferGranted = null)
{
    public static SourceView From(SourceStatus source) => new(
        source.Name, source.Type, source.Endpoint, source.State, source.ConnectionsActive, source.ConnectionsAccepted,
        source.ConnectionsRejected, source.FramesReceived, source.BytesReceived, source.FramesQuarantined, source.ConnectionRestarts, source.Reconnects,
        source.LastError, source.NextAttemptAt, source.HeldBytes, source.MaxInflightBytes, source.ProcessBudgetPauses,
        source.ReceiveBufferRequested, source.ReceiveBufferGranted);
}

/// <summary>The process budget in <c>GET /api/sources</c>: all sources' connections together.</summary>
/// <param name="HeldBytes">Bytes held by all connections, reads under way included (actornet.buffered.bytes).</param>
/// <param name="LimitBytes">actornet.max-buffered-bytes.</param>
/// <param name="WaitingConnections">Connections paused now because their next read does not fit.</param>
/// <param name="Pauses">Times a connection paused for that reason since start.</param>
public sealed record BufferedView(long HeldBytes, long LimitBytes, int WaitingConnections, long Pauses)
{
    public static BufferedView From(ProcessBudget budget) => new(budget.Held, budget.Limit, budget.Waiting, budget.Pauses);
}

/// <summary>The body of <c>GET /api/sources</c>: the sources in configuration order, and the process budget they share.</summary>
/// <param name="Buffered">Null only from an ActorNet older than max-buffered-bytes.</param>
public sealed record SourcesResponse(IReadOnlyList<SourceView> Sources, BufferedView? Buffered = null);
