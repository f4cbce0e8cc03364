using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using ActorNet.Protocol;
using Akka.Actor;

namespace ActorNet.Files;

/// <summary>
/// One followed file: the file source's "connection" (its peer is the path it was found at). Reads the file from its
/// position through the same <see cref="FrameCutter"/>, batches, parser and sinks as a socket, with the same limits
/// (max-inflight-frames, max-inflight-bytes: a slow sink stops the reading; and each read reserved in the process budget,
/// actornet.max-buffered-bytes, shared with the sockets), and turns the sinks' commits into checkpoint positions for its
/// source.
///
/// <code>
///   Following --bytes past the position--> read, cut, send (again at once while the file has more)
///   Following --at the end--> wait for the next Poll
///   Following --frames or bytes exhausted--> (paused) --acks below half--> Following
///   Following --no room in the process budget--> (paused, queued) --BudgetAvailable--> Following
///   Following --size below the position (copy-truncate)--> partial frame quarantined, position 0
///   Following --Unfollow, then at the end for a whole poll-interval--> partial frame quarantined --> AwaitingCommits
///   Following --Drain--> AwaitingCommits (the partial frame stays in the file, read again by the next run)
///   AwaitingCommits --everything sent committed, or ack.final-wait--> stopped
///   any --unexpected exception--> restarted by the source: the position goes back to the end of the last batch sent
/// </code>
/// </summary>
internal sealed class FileTailActor : UntypedActor, IWithTimers
{
    private readonly FileTailState _state;
    private readonly SourceSettings _settings;
    private readonly IActorRef _parser;
    private readonly FrameCutter _cutter;
    private readonly ConnectionCounters _counters;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Connection;
    private bool _paused;
    private bool _stopping;
    private bool _finished;
    private bool _giveUp;
    // Unfollowed: the end was reached at the previous poll too (a writer that has not yet reopened its log may still append).
    private bool _quietSinceLastPoll;
    private string _stopReason = "";

    public FileTailActor(FileTailState state, SourceSettings settings, IActorRef parser)
    {
        _state = state;
        _settings = settings;
        _parser = parser;
        _cutter = new FrameCutter(settings.Framing.CreateDecoder(), settings.ReadBufferSize, settings.QuarantineRawLimit, settings.MinReadBufferSize);
        _counters = new ConnectionCounters(state.Connection, ActorNetMetrics.Source(settings.Name));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(FileTailState state, SourceSettings settings, IActorRef parser) =>
        Akka.Actor.Props.Create(() => new FileTailActor(state, settings, parser));

    private ConnectionInfo Info => _state.Connection.Info;
    private ConnectionState Connection => _state.Connection;
    private AckLedger Ledger => _state.Connection.Ledger;
    private InflightBytes Bytes => _state.Connection.Bytes;

    protected override void PreStart()
    {
        _state.Connection.Status = new ConnectionStatus(Info.Id, Info.Source, Info.Peer, Self);
        _state.Connection.Waiter = new TailWaiter(Self);
        _counters.Opened();
        ActorKinds.Started(ActorKinds.Connection, Self);
        _log.Opened(Info.Id, Info.Peer, Info.Source);
        StartPolling();
        ContinueReading();
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // Keep the file open (no base call: PostStop would close it). The partial frame is read again from the file.
        Connection.Budget.Leave(Connection.Waiter);
        _state.Position -= _cutter.PendingBytes;
        _state.Generation++;
        _cutter.Abandon();
    }

    protected override void PostRestart(Exception reason)
    {
        _counters.Restarted();
        ActorKinds.Restarted(ActorKinds.Connection);
        // The failed incarnation's buffer went with it (to the GC): what is held is counted again.
        Connection.ReadFloor = 0;
        ReportInflight();
        _log.TailRestarted(reason, Info.Id, Info.Peer, Info.Source, reason.Message, _state.Position);
        StartPolling();
        ContinueReading();
    }

    protected override void PostStop()
    {
        _cutter.Close(readUnderWay: _state.ReadPending);
        _state.Handle.Dispose();
        ActorKinds.Stopped(Self);
        _counters.Closed(Info.Id);
        Connection.StopCounting();
    }

    private void StartPolling() =>
        Timers.StartPeriodicTimer(nameof(FileSourceProtocol.Poll), FileSourceProtocol.Poll.Instance, _settings.File!.PollInterval);

    protected override void OnReceive(object message) => Following(message);

    private void Following(object message)
    {
        switch (message)
        {
            case FileSourceProtocol.ReadCompleted read:
                if (ReadHandled(read.Generation) && read.Count > 0) Process(read);
                ContinueReading();
                break;
            case FileSourceProtocol.ReadFailed failed:
                if (!ReadHandled(failed.Generation))
                {
                    ContinueReading();
                    return;
                }
                // The checkpoint stays where the sinks committed: the source opens the file again at its next scan.
                Finish($"read failed: {failed.Cause.Message}", finished: false, quarantinePartial: false);
                break;
            case FileSourceProtocol.Poll:
                if (_state.Unfollowed && !_state.ReadPending && AtEnd())
                {
                    if (_quietSinceLastPoll) Finish("read to its end after it left the path", finished: true, quarantinePartial: true);
                    else _quietSinceLastPoll = true;
                    return;
                }
                ContinueReading();
                break;
            case FileSourceProtocol.Unfollow:
                _state.Unfollowed = true;
                _log.Unfollowing(Info.Source, Info.Peer, _state.File.ToString(), Info.Id);
                ContinueReading();
                break;
            case ParsedBatch ack:
                Acknowledge(ack);
                if (_paused && Ledger.Inflight <= _settings.MaxInflightFrames / 2 && Bytes.MayResume(_cutter.BufferBytes, 0))
                    ContinueReading();
                break;
            case FramesCommitted commit:
                Commit(commit);
                break;
            case ConnectionProtocol.BudgetAvailable:
                ContinueReading();
                break;
            case ConnectionProtocol.Drain:
                // The partial last frame is not quarantined: the file may still grow, and the next run reads it from the checkpoint.
                Finish("ActorNet is stopping", finished: false, quarantinePartial: false);
                break;
            case ConnectionProtocol.Close close:
                Finish(close.Reason, finished: false, quarantinePartial: false);
                break;
            case ConnectionProtocol.Write or ConnectionProtocol.WriteTo:
                Sender.Tell(new Status.Failure(new InvalidOperationException($"connection {Info.Id} follows the file {Info.Peer}: nothing can be written to it")));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Reading is over: wait (bounded by ack.final-wait) for the sinks to commit what was sent, so the checkpoint holds it.</summary>
    private void AwaitingCommits(object message)
    {
        switch (message)
        {
            case ParsedBatch ack:
                Acknowledge(ack);
                break;
            case FramesCommitted commit:
                Commit(commit);
                break;
            case FileSourceProtocol.FinalCommitTimeout:
                Stop($"{_stopReason}; frames after {Ledger.CommittedByAll} were not committed within ack.final-wait ({_settings.AckFinalWait}) and are read again by the next run");
                return;
            case FileSourceProtocol.ReadCompleted read:
                ReadHandled(read.Generation);
                return;
            case FileSourceProtocol.ReadFailed failed:
                ReadHandled(failed.Generation);
                return;
            default:
                return;
        }
        if (AllCommitted) Stop(_stopReason);
    }

    private bool AllCommitted => Ledger.LostFrames || Ledger.CommittedByAll >= Ledger.NextSeq - 1;

    /// <summary>A read came back; false when an earlier incarnation started it (its buffer went with that incarnation's cutter).</summary>
    private bool ReadHandled(int generation)
    {
        _state.ReadPending = false;
        // The read's reservation gives way to what is held.
        Connection.ReadFloor = 0;
        ReportInflight();
        return generation == _state.Generation;
    }

    private bool AtEnd() => RandomAccess.GetLength(_state.Handle) <= _state.Position;

    private void ContinueReading()
    {
        if (_stopping || _state.ReadPending) return;
        if (Ledger.Inflight >= _settings.MaxInflightFrames || !Bytes.MayRead(_cutter.BufferBytes, 0, _cutter.NextRentBytes))
        {
            // Held back by its own limits: its place in the process budget's queue would block the readers behind it.
            Connection.Budget.Leave(Connection.Waiter);
            _paused = true;
            return;
        }
        _paused = false;
        var length = RandomAccess.GetLength(_state.Handle);
        if (length < _state.Position)
        {
            _log.Truncated(Info.Source, Info.Peer, length, _state.Position);
            // What was read of the old content's last frame will never be completed: it is quarantined as truncated, and
            // its batch ends at 0, so that a checkpoint taken from here on resumes at the new content's start.
            DeliverTruncated(endsAt: 0);
            _state.Position = 0;
        }
        if (length <= _state.Position)
        {
            // Nothing to read rents nothing: a quiet file holds no share of the process budget.
            Connection.Budget.Leave(Connection.Waiter);
            return;
        }
        if (!ReserveRead())
        {
            _paused = true;
            return;
        }
        _quietSinceLastPoll = false;
        var (buffer, offset, count) = _cutter.PrepareReceive();
        var generation = _state.Generation;
        _state.ReadPending = true;
        var self = Self;
        RandomAccess.ReadAsync(_state.Handle, buffer.AsMemory(offset, count), _state.Position).AsTask().PipeTo(self,
            success: read => new FileSourceProtocol.ReadCompleted(generation, buffer, offset, read),
            failure: cause => new FileSourceProtocol.ReadFailed(generation, cause));
        ReportInflight();
    }

    private void Process(FileSourceProtocol.ReadCompleted read)
    {
        _counters.Read(read.Count);
        _state.Position += read.Count;
        var nextSeq = Ledger.NextSeq;
        var batch = _cutter.Cut(read.Buffer, read.Offset, read.Count, Info, ref nextSeq, DateTime.UtcNow, out var fatal);
        if (batch is not null) Send(batch, _state.Position - _cutter.PendingBytes);
        ReportInflight();
        if (fatal) Finish("the file cannot be resynchronised after a bad length field (see quarantine)", finished: false, quarantinePartial: false, giveUp: true);
    }

    private void Send(FrameBatch batch, long endsAt)
    {
        _counters.Framed(batch.Count, batch.ReceivedAt);
        Ledger.Sent(batch);
        _state.Commits.Sent(batch.LastSeq, endsAt);
        Bytes.Pin(batch.HeldBytes);
        batch.SendTo(_parser, Self);
    }

    private void DeliverTruncated(long endsAt)
    {
        var nextSeq = Ledger.NextSeq;
        if (_cutter.Truncate(Info, ref nextSeq, DateTime.UtcNow) is { } batch) Send(batch, endsAt);
    }

    private void Acknowledge(ParsedBatch ack)
    {
        List<AckGap>? gaps = null;
        Ledger.Apply(ack, ref gaps);
        if (gaps is not null) foreach (var gap in gaps) LostOnTheWay(gap);
        while (Ledger.TryRelease(out var released))
        {
            Bytes.Unpin(released.HeldBytes);
            released.Release();
        }
        ack.Returned();
        ReportInflight();
    }

    private void LostOnTheWay(AckGap gap)
    {
        _log.NeverReachedSink(Info.Id, Info.Source, gap.From, gap.To, gap.Slot, _settings.AllSinks[gap.Slot]);
        // The checkpoint never passes the gap (no commit counts after it): reading again from the checkpoint stores them.
        if (!_stopping)
            Finish($"frames {gap.From}..{gap.To} were lost before sink {_settings.AllSinks[gap.Slot]} stored them; reading again from the checkpoint",
                finished: false, quarantinePartial: false);
    }

    /// <summary>A sink committed: once every sink has, the end of the last whole batch committed becomes the file's checkpoint.</summary>
    private void Commit(FramesCommitted commit)
    {
        var committed = Ledger.Commit(commit.AckSlot, commit.UpToSeq);
        if (committed == 0) return;
        Ledger.AckWritten(committed);
        if (_state.Commits.Committed(committed) is { } offset)
            Context.Parent.Tell(new FileSourceProtocol.Committed(_state.File, new FilePosition(Info.Peer, offset, committed)));
    }

    private void Finish(string reason, bool finished, bool quarantinePartial, bool giveUp = false)
    {
        if (_stopping) return;
        _stopping = true;
        _finished = finished;
        _stopReason = reason;
        Timers.Cancel(nameof(FileSourceProtocol.Poll));
        Connection.Budget.Leave(Connection.Waiter);
        if (quarantinePartial) DeliverTruncated(endsAt: _state.Position);
        _giveUp = giveUp;
        if (AllCommitted)
        {
            Stop(_stopReason);
            return;
        }
        Timers.StartSingleTimer(nameof(FileSourceProtocol.FinalCommitTimeout), FileSourceProtocol.FinalCommitTimeout.Instance, _settings.AckFinalWait);
        Become(AwaitingCommits);
    }

    /// <summary>
    /// Reserves the read in the process budget as a socket's read is (see ConnectionActor.ReserveRead: the buffer it rents
    /// plus one of read-buffer-size for the partial frame's move); false: queued, BudgetAvailable comes when it is first.
    /// </summary>
    private bool ReserveRead() => Connection.TryReserveRead((long)_cutter.NextRentBytes + Bytes.ReadBuffer);

    /// <summary>Brings the frames and bytes in flight up to date in the metrics, the views and the process budget (as a connection does).</summary>
    private void ReportInflight()
    {
        var held = Bytes.Held(_cutter.BufferBytes, 0);
        Connection.Recharge(held, _cutter.BufferBytes);
        _counters.Inflight(Ledger.Inflight, held);
    }

    /// <summary>The tail's place in the process budget's queue; Resume runs on the releasing thread and only tells the tail.</summary>
    private sealed class TailWaiter(IActorRef tail) : BudgetWaiter
    {
        protected internal override void Resume() => tail.Tell(ConnectionProtocol.BudgetAvailable.Instance, ActorRefs.NoSender);
    }

    private void Stop(string reason)
    {
        _log.Closed(Info.Id, Info.Peer, Info.Source, reason, Ledger.NextSeq - 1);
        Context.Parent.Tell(new FileSourceProtocol.TailStopped(_state.File, _finished, _giveUp, reason));
        Context.Stop(Self);
    }
}
