using Microsoft.Extensions.Logging;

namespace ActorNet.Sinks;

/// <summary>
/// The sink actor's log events (ActorNet.Sink), defined once with their structured properties (<c>Sink</c> first);
/// the actor only says which event happened. Levels: Error for what loses or risks frames, or stops writing;
/// Warning for what delays them; Information for a recovery.
/// </summary>
internal static partial class SinkLog
{
    private const string HeldInMemory = "holding batches in memory (sources stop reading when their credits run out)";
    private const string Spooling = "spooling batches to disk";

    public static void CannotOpen(this ILogger log, string sink, Exception? error, bool spooling, TimeSpan retryIn) =>
        log.CannotOpen(error, sink, spooling ? Spooling : HeldInMemory, retryIn);

    public static void WriteFailed(this ILogger log, string sink, Exception? error, int frames, long connectionId, bool spooling, TimeSpan retryIn) =>
        log.WriteFailed(error, sink, frames, connectionId, spooling ? Spooling : HeldInMemory, retryIn);

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Sink {Sink} cannot open its store; {Where}, retrying in {Delay}")]
    private static partial void CannotOpen(this ILogger log, Exception? exception, string sink, string where, TimeSpan delay);

    [LoggerMessage(EventId = 401, Level = LogLevel.Error,
        Message = "Sink {Sink} failed to write {Frames} frames of connection {ConnectionId}; {Where}, retrying in {Delay}")]
    private static partial void WriteFailed(this ILogger log, Exception? exception, string sink, int frames, long connectionId, string where, TimeSpan delay);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Sink {Sink} still cannot write ({Error}); {Backlog} frames waiting; retrying in {Delay}")]
    public static partial void StillCannotWrite(this ILogger log, string sink, string? error, long backlog, TimeSpan delay);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Sink {Sink} is writing again; its backlog is written")]
    public static partial void WritingAgain(this ILogger log, string sink);

    [LoggerMessage(EventId = 404, Level = LogLevel.Error, Message = "Sink {Sink} failed to flush; retrying on the next flush")]
    public static partial void FlushFailed(this ILogger log, string sink, Exception exception);

    [LoggerMessage(EventId = 405, Level = LogLevel.Error, Message = "Sink {Sink} failed to flush and close")]
    public static partial void CloseFailed(this ILogger log, string sink, Exception exception);

    [LoggerMessage(EventId = 406, Level = LogLevel.Information, Message = "Sink {Sink} can write again")]
    public static partial void Reachable(this ILogger log, string sink);

    [LoggerMessage(EventId = 407, Level = LogLevel.Warning, Message = "Sink {Sink} cannot reach its store: {Error}")]
    public static partial void Unreachable(this ILogger log, string sink, string error);

    [LoggerMessage(EventId = 408, Level = LogLevel.Warning,
        Message = "Sink {Sink} found {Frames} frames ({Bytes} bytes) in its spool {Directory}; writing them before anything new")]
    public static partial void SpoolFoundAtStart(this ILogger log, string sink, long frames, long bytes, string directory);

    [LoggerMessage(EventId = 409, Level = LogLevel.Error,
        Message = "Sink {Sink} dropped {Bytes} damaged bytes at the end of its spool (a record torn by a crash is expected: it was never acknowledged)")]
    public static partial void SpoolTornAtOpen(this ILogger log, string sink, long bytes);

    [LoggerMessage(EventId = 410, Level = LogLevel.Error, Message = "Sink {Sink} could not spool a batch; holding it in memory")]
    public static partial void SpoolAppendFailed(this ILogger log, string sink, Exception exception);

    [LoggerMessage(EventId = 411, Level = LogLevel.Error, Message = "Sink {Sink} skipped a damaged spool record: {Frames} frames lost")]
    public static partial void SpoolRecordDamaged(this ILogger log, string sink, Exception exception, long frames);

    [LoggerMessage(EventId = 412, Level = LogLevel.Warning,
        Message = "Sink {Sink} could not save its spool position (disk full?); replay goes on and saves it later (a crash meanwhile writes some records twice)")]
    public static partial void SpoolPositionPending(this ILogger log, string sink);

    [LoggerMessage(EventId = 413, Level = LogLevel.Error, Message = "Sink {Sink} failed to sync its spool; acknowledgements to peers wait for the next flush")]
    public static partial void SpoolSyncFailed(this ILogger log, string sink, Exception exception);

    [LoggerMessage(EventId = 414, Level = LogLevel.Error, Message = "Sink {Sink} failed to close its spool")]
    public static partial void SpoolCloseFailed(this ILogger log, string sink, Exception exception);

    [LoggerMessage(EventId = 415, Level = LogLevel.Error,
        Message = "Sink {Sink} stopped with {Batches} batches ({Frames} frames) it could not write and has no spool for (set spool-dir): they are lost")]
    public static partial void LostWithoutSpool(this ILogger log, string sink, int batches, long frames);

    [LoggerMessage(EventId = 416, Level = LogLevel.Error,
        Message = "Sink {Sink} could not sync its spool at stop: the {Batches} batches just spooled may not survive a power cut")]
    public static partial void SpoolSyncFailedAtStop(this ILogger log, string sink, Exception exception, int batches);

    [LoggerMessage(EventId = 417, Level = LogLevel.Warning,
        Message = "Sink {Sink} stopped during an outage: {Batches} batches spooled, {Frames} frames in the spool, written at next start")]
    public static partial void SpooledAtStop(this ILogger log, string sink, int batches, long frames);

    [LoggerMessage(EventId = 418, Level = LogLevel.Error,
        Message = "Sink {Sink} stopped during an outage and could not spool {Batches} batches ({Frames} frames): they are lost")]
    public static partial void LostAtStop(this ILogger log, string sink, int batches, long frames);
}
