using Akka.Event;

namespace ActorNet.Sinks;

/// <summary>
/// The sink actor's log events, defined once with their structured properties (<c>Sink</c> first); the actor only
/// says which event happened. Levels: Error for what loses or risks frames, or stops writing; Warning for what
/// delays them; Information for a recovery.
/// </summary>
internal static class SinkLog
{
    private const string HeldInMemory = "holding batches in memory (sources stop reading when their credits run out)";
    private const string Spooling = "spooling batches to disk";

    public static void CannotOpen(this ILoggingAdapter log, string sink, Exception? error, bool spooling, TimeSpan retryIn) =>
        log.Error(error, "Sink {Sink} cannot open its store; {Where}, retrying in {Delay}", sink, spooling ? Spooling : HeldInMemory, retryIn);

    public static void WriteFailed(this ILoggingAdapter log, string sink, Exception? error, int frames, long connectionId, bool spooling, TimeSpan retryIn) =>
        log.Error(error, "Sink {Sink} failed to write {Frames} frames of connection {ConnectionId}; {Where}, retrying in {Delay}",
            sink, frames, connectionId, spooling ? Spooling : HeldInMemory, retryIn);

    public static void StillCannotWrite(this ILoggingAdapter log, string sink, string? error, long backlog, TimeSpan retryIn) =>
        log.Warning("Sink {Sink} still cannot write ({Error}); {Backlog} frames waiting; retrying in {Delay}", sink, error, backlog, retryIn);

    public static void WritingAgain(this ILoggingAdapter log, string sink) =>
        log.Info("Sink {Sink} is writing again; its backlog is written", sink);

    public static void FlushFailed(this ILoggingAdapter log, string sink, Exception error) =>
        log.Error(error, "Sink {Sink} failed to flush; retrying on the next flush", sink);

    public static void CloseFailed(this ILoggingAdapter log, string sink, Exception error) =>
        log.Error(error, "Sink {Sink} failed to flush and close", sink);

    public static void Reachable(this ILoggingAdapter log, string sink) => log.Info("Sink {Sink} can write again", sink);

    public static void Unreachable(this ILoggingAdapter log, string sink, string error) =>
        log.Warning("Sink {Sink} cannot reach its store: {Error}", sink, error);

    public static void SpoolFoundAtStart(this ILoggingAdapter log, string sink, long frames, long bytes, string directory) =>
        log.Warning("Sink {Sink} found {Frames} frames ({Bytes} bytes) in its spool {Directory}; writing them before anything new", sink, frames, bytes, directory);

    public static void SpoolTornAtOpen(this ILoggingAdapter log, string sink, long bytes) =>
        log.Error("Sink {Sink} dropped {Bytes} damaged bytes at the end of its spool (a record torn by a crash is expected: it was never acknowledged)", sink, bytes);

    public static void SpoolAppendFailed(this ILoggingAdapter log, string sink, Exception error) =>
        log.Error(error, "Sink {Sink} could not spool a batch; holding it in memory", sink);

    public static void SpoolRecordDamaged(this ILoggingAdapter log, string sink, Exception error, long framesLost) =>
        log.Error(error, "Sink {Sink} skipped a damaged spool record: {Frames} frames lost", sink, framesLost);

    public static void SpoolPositionPending(this ILoggingAdapter log, string sink) =>
        log.Warning("Sink {Sink} could not save its spool position (disk full?); replay goes on and saves it later (a crash meanwhile writes some records twice)", sink);

    public static void SpoolSyncFailed(this ILoggingAdapter log, string sink, Exception error) =>
        log.Error(error, "Sink {Sink} failed to sync its spool; acknowledgements to peers wait for the next flush", sink);

    public static void SpoolCloseFailed(this ILoggingAdapter log, string sink, Exception error) =>
        log.Error(error, "Sink {Sink} failed to close its spool", sink);

    public static void LostWithoutSpool(this ILoggingAdapter log, string sink, int batches, long frames) =>
        log.Error("Sink {Sink} stopped with {Batches} batches ({Frames} frames) it could not write and has no spool for (set spool-dir): they are lost",
            sink, batches, frames);

    public static void SpoolSyncFailedAtStop(this ILoggingAdapter log, string sink, Exception error, int batches) =>
        log.Error(error, "Sink {Sink} could not sync its spool at stop: the {Batches} batches just spooled may not survive a power cut", sink, batches);

    public static void SpooledAtStop(this ILoggingAdapter log, string sink, int batches, long framesInSpool) =>
        log.Warning("Sink {Sink} stopped during an outage: {Batches} batches spooled, {Frames} frames in the spool, written at next start", sink, batches, framesInSpool);

    public static void LostAtStop(this ILoggingAdapter log, string sink, int batches, long frames) =>
        log.Error("Sink {Sink} stopped during an outage and could not spool {Batches} batches ({Frames} frames): they are lost", sink, batches, frames);
}
