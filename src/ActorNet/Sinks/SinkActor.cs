using System.Diagnostics;
using ActorNet.Configuration;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using ActorNet.Protocol;
using ActorNet.Sinks.Spool;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Sinks;

/// <summary>
/// Puts one <see cref="IFrameSink"/> behind a mailbox: writes each batch, acknowledges it to the connection it
/// came from (which returns read credits), reports commits for peers' <c>ACK n</c>, flushes on an interval and
/// at stop.
///
/// <code>
///   (start) --store and spool open, spool empty--> Writing
///   (start) --store or spool cannot open, or spool not empty--> Outage
///   Writing --write fails--> Outage --store open, backlog written in order--> Writing
/// </code>
/// A storage fault is an outage whatever the step that failed (opening the store or the spool at start, a write,
/// replaying or advancing the spool): it is retried, never thrown, because a restart would replay a spooled
/// record twice and a supervisor's restart limit would stop the sink for good. In an outage the failed batch and
/// everything after it form the backlog, written oldest first once the sink can write again (retried with
/// exponential backoff and jitter); the status is failing (readiness 503) until then. With a spool (spool-dir) the backlog goes to
/// disk and is acknowledged at once, so connections keep reading until the spool reaches max-spool-size; without
/// one, or once the spool is full, batches wait in memory unacknowledged, their connections run out of credits
/// and stop reading (the queue is bounded by max-inflight-frames and max-inflight-bytes per connection). At stop, batches still in
/// memory go to the spool; a spool left behind is replayed when the sink starts again.
/// </summary>
public sealed class SinkActor : UntypedActor, IWithTimers
{
    internal const string DispatcherId = "actornet-internal.sink-dispatcher";

    private static readonly TimeSpan MinRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    // Replay yields to the mailbox this often, so that new batches are spooled and acknowledged meanwhile.
    private static readonly TimeSpan ReplaySlice = TimeSpan.FromMilliseconds(200);

    private readonly SinkSettings _settings;
    private readonly Func<SinkSettings, IFrameSink> _factory;
    private readonly SinkStatus _status;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Sink;

    // Batches waiting in memory, unacknowledged, oldest first; always newer than everything in the spool. Each with
    // the frames it counts in the backlog, counted on arrival: once acknowledged (spooled or written) a batch may at
    // once be reused for another read, so counting it again after that would subtract another batch's frames.
    private readonly Queue<(SinkBatch Batch, int Frames)> _held = new();
    private long _heldFrames;

    // Per connection (and sink slot): the highest seq written but durable only at the next flush / spool sync.
    private readonly Dictionary<(IActorRef, int), long> _awaitingFlush = new();
    private readonly Dictionary<(IActorRef, int), long> _awaitingSpoolSync = new();

    private IFrameSink? _sink;
    private SinkDurability _durability;
    private SinkSpool? _spool;
    private TimeSpan _retryDelay = MinRetry;
    private bool _wroteSinceProbe;

    // The spool's oldest record is written to a flushing sink whose flush failed: retry the flush, not the write,
    // or the sink's buffer would hold the record twice.
    private bool _replayAwaitsFlush;

    public SinkActor(SinkSettings settings, Func<SinkSettings, IFrameSink> factory, SinkStatus status)
    {
        _settings = settings;
        _factory = factory;
        _status = status;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SinkSettings settings, Func<SinkSettings, IFrameSink> factory, SinkStatus status)
    {
        var props = Akka.Actor.Props.Create(() => new SinkActor(settings, factory, status));
        return settings.DedicatedThread ? props.WithDispatcher(DispatcherId) : props;
    }

    private sealed class FlushTick
    {
        public static readonly FlushTick Instance = new();
    }

    private sealed class RetryTick
    {
        public static readonly RetryTick Instance = new();
    }

    private sealed class ProbeTick
    {
        public static readonly ProbeTick Instance = new();
    }

    protected override void PreStart()
    {
        ActorKinds.Started(ActorKinds.Sink, Self);
        _status.Starting();
        Timers.StartPeriodicTimer(nameof(FlushTick), FlushTick.Instance, _settings.FlushInterval);
        if (!TryOpen(out var error))
        {
            Become(Outage);
            _log.CannotOpen(_settings.Name, error, spooling: _spool is not null, _retryDelay);
            Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, _retryDelay);
        }
        else if (_spool is { IsEmpty: false })
        {
            _log.SpoolFoundAtStart(_settings.Name, _spool.Frames, _spool.Bytes, SpoolDirectory);
            Become(Outage);
            Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, TimeSpan.Zero);
        }
        else
        {
            _status.Healthy();
        }
        ReportBacklog();
    }

    private string SpoolDirectory => Path.Combine(_settings.SpoolDir, _settings.Name);

    /// <summary>
    /// Opens the spool (when configured) and the store, whichever is not open yet. Any exception counts: a store
    /// that cannot open (a read-only file, a missing directory, a refused login) is an outage to retry, not a bug.
    /// </summary>
    private bool TryOpen(out Exception? error)
    {
        error = null;
        try
        {
            if (_settings.HasSpool && _spool is null) OpenSpool();
            if (_sink is null)
            {
                _sink = _factory(_settings);
                _durability = _sink.Durability;
                if (_durability == SinkDurability.OnWrite)
                    Timers.StartPeriodicTimer(nameof(ProbeTick), ProbeTick.Instance, _settings.ProbeInterval);
            }
            return true;
        }
        catch (Exception e)
        {
            _status.Failed($"cannot open: {e.Message}");
            error = e;
            return false;
        }
    }

    private void OpenSpool()
    {
        _spool = new SinkSpool(SpoolDirectory, _settings.MaxSpoolSize);
        if (_spool.DroppedAtOpen > 0)
            _log.SpoolTornAtOpen(_settings.Name, _spool.DroppedAtOpen);
    }

    protected override void PostRestart(Exception reason)
    {
        ActorKinds.Restarted(ActorKinds.Sink);
        base.PostRestart(reason);
    }

    protected override void PostStop()
    {
        SpoolHeldAtStop();
        try
        {
            _sink?.Dispose();
            SendCommits(_awaitingFlush);
        }
        catch (Exception e)
        {
            _log.CloseFailed(_settings.Name, e);
        }
        try
        {
            _spool?.Dispose();
        }
        catch (Exception e)
        {
            _log.SpoolCloseFailed(_settings.Name, e);
        }
        _spool = null;
        // Not ready while stopped: at a drain that is the truth, and a sink its supervisor gave up on stays visible.
        // A restart's PreStart sets it back to starting.
        _status.Stopped("the sink actor stopped");
        ActorKinds.Stopped(Self);
    }

    protected override void OnReceive(object message) => Writing(message);

    private void Writing(object message)
    {
        switch (message)
        {
            case ParsedBatch parsed:
                var batch = PartOf(parsed);
                if (!TryWrite(batch.Batch, batch.WriteAccepted, batch.WriteRejected, out var error))
                {
                    EnterOutage(batch.Batch, error);
                    AddToBacklog(batch);
                    ReportBacklog();
                    return;
                }
                Acknowledge(batch);
                break;
            case FlushTick:
                Flush(outage: false);
                break;
            case ProbeTick:
                Probe();
                break;
            case RetryTick:
                // A retry scheduled before the outage ended.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Outage(object message)
    {
        switch (message)
        {
            case ParsedBatch parsed:
                AddToBacklog(PartOf(parsed));
                ReportBacklog();
                break;
            case RetryTick:
                if (TryOpen(out var openError)) WriteBacklogOrRetry();
                else RetryLater(openError);
                break;
            case FlushTick:
                Flush(outage: true);
                break;
            case ProbeTick:
                // The retries probe the store.
                _wroteSinceProbe = false;
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private SinkBatch PartOf(ParsedBatch parsed) => SinkBatch.TryFor(parsed, Self, out var part) ? part
        : throw new InvalidOperationException($"sink {_settings.Name} got a batch of connection {parsed.Connection.Id} whose route does not list it");

    /// <summary>Writes one batch (or the sink's part of it); false and the error when the sink cannot.</summary>
    private bool TryWrite(ParsedBatch batch, bool accepted, bool rejected, out Exception? error)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var written = _sink!.Write(batch, accepted, rejected);
            _status.Wrote(written, Stopwatch.GetElapsedTime(started));
            if (_durability != SinkDurability.OnFlush) _status.Healthy();
            _wroteSinceProbe = true;
            error = null;
            return true;
        }
        catch (Exception e)
        {
            _status.Failed(e.Message);
            error = e;
            return false;
        }
    }

    private void Acknowledge(SinkBatch batch)
    {
        var upTo = batch.LastSeq;
        batch.Acknowledge();
        if (!batch.WantsCommit) return;
        if (_durability == SinkDurability.OnFlush) Remember(_awaitingFlush, batch, upTo);
        else batch.AckTo.Tell(new FramesCommitted(batch.AckSlot, upTo));
    }

    private static void Remember(Dictionary<(IActorRef, int), long> awaiting, SinkBatch batch, long upTo)
    {
        var key = (batch.AckTo, batch.AckSlot);
        if (!awaiting.TryGetValue(key, out var seen) || seen < upTo) awaiting[key] = upTo;
    }

    private static void SendCommits(Dictionary<(IActorRef, int), long> awaiting)
    {
        foreach (var ((connection, slot), upTo) in awaiting) connection.Tell(new FramesCommitted(slot, upTo));
        awaiting.Clear();
    }

    private void EnterOutage(ParsedBatch failed, Exception? error)
    {
        Become(Outage);
        _log.WriteFailed(_settings.Name, error, failed.Count, failed.Connection.Id, spooling: _spool is not null, _retryDelay);
        Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, _retryDelay);
    }

    /// <summary>Spooled (and acknowledged) while the spool has room and nothing is held in memory before it.</summary>
    private void AddToBacklog(SinkBatch batch)
    {
        var frames = CountWritten(batch);
        if (_held.Count == 0 && TrySpool(batch, frames)) return;
        _held.Enqueue((batch, frames));
        _heldFrames += frames;
    }

    /// <summary>Spools and acknowledges <paramref name="batch"/>, after which the batch must not be read again.</summary>
    private bool TrySpool(SinkBatch batch, int frames, bool ignoreLimit = false)
    {
        if (_spool is null) return false;
        try
        {
            if (!_spool.TryAppend(batch.Batch, batch.WriteAccepted, batch.WriteRejected, frames, ignoreLimit))
                return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A spool that cannot take the batch (a full disk) is treated like a full one: the batch waits in memory
            // and its connection stops reading; the append left nothing behind (SinkSpool rolls it back).
            _log.SpoolAppendFailed(_settings.Name, e);
            return false;
        }
        batch.Acknowledge();
        if (batch.WantsCommit) Remember(_awaitingSpoolSync, batch, batch.LastSeq);
        return true;
    }

    private static int CountWritten(SinkBatch batch) => batch.Batch.CountSelected(batch.WriteAccepted, batch.WriteRejected);

    private void WriteBacklogOrRetry()
    {
        try
        {
            WriteBacklog();
        }
        catch (Exception e)
        {
            // Reading the spool back failed (an I/O error): the record stays first in line and is read again later.
            RetryLater(e);
        }
    }

    /// <summary>The spool first (it holds the oldest batches), then what waits in memory, in order.</summary>
    private void WriteBacklog()
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReplaySlice.TotalSeconds * Stopwatch.Frequency);
        while (_spool is not null)
        {
            ParsedBatch spooled;
            bool accepted, rejected;
            try
            {
                if (!_spool.TryPeek(out spooled, out accepted, out rejected)) break;
            }
            catch (InvalidDataException e)
            {
                // Changed on disk since it was written: no retry can restore it, and waiting for ever would stop the sink.
                var before = _spool.Frames;
                AdvanceSpool();
                _log.SpoolRecordDamaged(_settings.Name, e, before - _spool.Frames);
                ReportBacklog();
                continue;
            }
            if (!_replayAwaitsFlush)
            {
                if (!TryWrite(spooled, accepted, rejected, out var writeError))
                {
                    RetryLater(writeError);
                    return;
                }
                _replayAwaitsFlush = true;
            }
            if (!TryFlushReplayed(out var flushError))
            {
                RetryLater(flushError);
                return;
            }
            _replayAwaitsFlush = false;
            AdvanceSpool();
            MoveHeldIntoSpool();
            ReportBacklog();
            if (Stopwatch.GetTimestamp() > deadline)
            {
                // Let queued batches in (they join the spool), then carry on at once.
                Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, TimeSpan.Zero);
                return;
            }
        }

        while (_held.TryPeek(out var held))
        {
            var batch = held.Batch;
            if (!TryWrite(batch.Batch, batch.WriteAccepted, batch.WriteRejected, out var error))
            {
                RetryLater(error);
                return;
            }
            _held.Dequeue();
            _heldFrames -= held.Frames;
            Acknowledge(batch);
        }

        Become(Writing);
        _retryDelay = MinRetry;
        ReportBacklog();
        _log.WritingAgain(_settings.Name);
    }

    private void AdvanceSpool()
    {
        var wasPending = _spool!.PositionPending;
        if (!_spool.Advance() && !wasPending)
            _log.SpoolPositionPending(_settings.Name);
    }

    // A replayed record leaves the spool only once durable in the sink: for a flushing sink, after a flush.
    private bool TryFlushReplayed(out Exception? error)
    {
        error = null;
        if (_durability != SinkDurability.OnFlush) return true;
        try
        {
            _sink!.Flush();
            return true;
        }
        catch (Exception e)
        {
            error = e;
            return false;
        }
    }

    private void MoveHeldIntoSpool()
    {
        while (_held.TryPeek(out var held) && TrySpool(held.Batch, held.Frames))
        {
            _held.Dequeue();
            _heldFrames -= held.Frames;
        }
    }

    private void RetryLater(Exception? error)
    {
        _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, MaxRetry.Ticks));
        // Jitter: sinks sharing one database do not all come back at the same instant.
        var delay = _retryDelay * (0.8 + 0.4 * Random.Shared.NextDouble());
        _log.StillCannotWrite(_settings.Name, error?.Message, Backlog, delay);
        Timers.StartSingleTimer(nameof(RetryTick), RetryTick.Instance, delay);
    }

    private void Flush(bool outage)
    {
        try
        {
            // Not open yet (an outage from the start): nothing buffered, but the spool below still syncs.
            _sink?.Flush();
            if (!outage) _status.Healthy();
            SendCommits(_awaitingFlush);
        }
        catch (Exception e)
        {
            // The records stay buffered in the sink and are flushed again on the next tick.
            _status.Failed(e.Message);
            _log.FlushFailed(_settings.Name, e);
        }

        if (_spool is null || _awaitingSpoolSync.Count == 0) return;
        try
        {
            _spool.Sync();
            // Commits must arrive in seq order per connection: spooled batches are newer than unflushed ones.
            if (_awaitingFlush.Count == 0) SendCommits(_awaitingSpoolSync);
        }
        catch (Exception e)
        {
            _log.SpoolSyncFailed(_settings.Name, e);
        }
    }

    private void Probe()
    {
        if (_wroteSinceProbe)
        {
            _wroteSinceProbe = false;
            return;
        }
        var wasWriting = _status.CanWrite;
        try
        {
            _sink!.Probe();
            _status.Healthy();
            if (!wasWriting) _log.Reachable(_settings.Name);
        }
        catch (Exception e)
        {
            _status.Unreachable(e.Message);
            if (wasWriting) _log.Unreachable(_settings.Name, e.Message);
        }
    }

    /// <summary>
    /// Held batches were never acknowledged (no credits returned, no ACK n): spooled here they are written at the next
    /// start; what cannot be spooled is lost, and said so at Error level with its count (peers with ack.enabled can
    /// tell from the missing ACK).
    /// </summary>
    private void SpoolHeldAtStop()
    {
        if (_held.Count == 0) return;
        if (_spool is null)
        {
            _log.LostWithoutSpool(_settings.Name, _held.Count, _heldFrames);
            return;
        }
        int spooled = 0, lostBatches = 0;
        long lostFrames = 0;
        // Past max-spool-size if need be: at stop, exceeding the limit beats losing what was read.
        while (_held.TryDequeue(out var held))
        {
            if (TrySpool(held.Batch, held.Frames, ignoreLimit: true))
            {
                spooled++;
                continue;
            }
            lostBatches++;
            lostFrames += held.Frames;
        }
        _heldFrames = 0;
        try
        {
            _spool.Sync();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.SpoolSyncFailedAtStop(_settings.Name, e, spooled);
        }
        if (spooled > 0)
            _log.SpooledAtStop(_settings.Name, spooled, _spool.Frames);
        if (lostBatches > 0)
            _log.LostAtStop(_settings.Name, lostBatches, lostFrames);
    }

    private long Backlog => _heldFrames + (_spool?.Frames ?? 0);

    private void ReportBacklog() => _status.SetBacklog(Backlog, _spool?.Bytes ?? 0);
}
