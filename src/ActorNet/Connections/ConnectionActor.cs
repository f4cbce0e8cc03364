using ActorNet.Configuration;
using ActorNet.Framing;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Protocol;
using ActorNet.Monitoring;
using ActorNet.Recording;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Connections;

/// <summary>
/// One TCP peer. Reads through its <see cref="SocketTransport"/>, cuts frames with a <see cref="FrameCutter"/>,
/// sends one batch per read to its parser, and stops reading while too many frames are unacknowledged by the
/// sinks, or too many bytes held (<see cref="InflightBytes"/>), or while its next read does not fit in the
/// process budget of all connections (<see cref="ProcessBudget"/>) (back-pressure: the peer's TCP window fills
/// instead of a queue growing here).
///
/// <code>
///   (tls on) Handshaking --handshake done--> Reading
///   Handshaking --handshake failed or timed out | Close | Drain--> stopped (counted as rejected: tls-handshake)
///   Reading --frames or bytes exhausted--> (paused, still Reading) --acks below half--> Reading
///   Reading --no room in the process budget--> (paused, queued) --BudgetAvailable, first in the queue, fits--> Reading
///   Reading --its recording half a buffer behind (record.when-behind = wait)--> (paused) --BudgetAvailable from the recorder--> Reading
///   Reading --Drain--> Draining --pending read handed in--> stopped
///   Reading --EOF | error | idle | Close | fatal frame | frame-timeout | min-data-rate--> stopped
///   Draining | EOF, with ack.enabled --> AwaitingCommits --last ACK n written, or ack.final-wait--> stopped
///   any --unexpected exception--> restarted by the listener: same socket, partial frame quarantined,
///                                 decoder resynchronised (or the peer closed if the framing cannot)
/// </code>
/// </summary>
internal sealed class ConnectionActor : UntypedActor, IWithTimers
{
    private readonly ConnectionState _state;
    private readonly SourceSettings _settings;
    private readonly IActorRef _parser;
    private readonly FrameCutter _cutter;
    private readonly OutgoingFrames _outgoing;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly ConnectionCounters _counters;
    private readonly SourceRecorder? _recorder;
    private readonly SourceTls? _tls;
    private readonly PartialFrameClock _frameClock;
    private bool _frameCheckArmed;
    private IdleClock _idle;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Connection;
    private bool _paused;
    private bool _waitingForRestartBackoff;
    private bool _stopping;
    private bool _dataAvailable;
    private string _closeReason = "";
    private string _closeKind = CloseReasons.Stopping;
    // When the last partial frame was quarantined: the recording's close carries it, so a replay gives that frame the same receivedAt.
    private DateTime _truncatedAt;

    public ConnectionActor(ConnectionState state, SourceSettings settings, IActorRef parser)
    {
        _state = state;
        _settings = settings;
        _parser = parser;
        _cutter = new FrameCutter(settings.Framing.CreateDecoder(), settings.ReadBufferSize, settings.QuarantineRawLimit,
            settings.MinReadBufferSize);
        _outgoing = new OutgoingFrames(settings.Framing.CreateEncoder(), (settings.Framing as DelimiterFramingSettings)?.Delimiter,
            limit: 4 * settings.ReadBufferSize);
        _sourceTag = ActorNetMetrics.Source(settings.Name);
        _counters = new ConnectionCounters(state, _sourceTag);
        _recorder = Recorders.For(Context.System, settings);
        _frameClock = new PartialFrameClock(settings.SlowPeers);
        _idle = new IdleClock(settings.IdleTimeout);
        _tls = TlsContexts.For(Context.System, settings);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(ConnectionState state, SourceSettings settings, IActorRef parser) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(state, settings, parser));

    /// <summary>
    /// Starts a watched connection actor for <paramref name="socket"/> under <paramref name="context"/> (a listener
    /// or an outbound feed): a new id, and always the same parser for that id, so its frames stay in order.
    /// <paramref name="budget"/> is the descriptor budget the caller took a slot from, returned when the socket closes.
    /// </summary>
    internal static (IActorRef Connection, ConnectionInfo Info) StartChild(IActorContext context, System.Net.Sockets.Socket socket,
        SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus source, ProcessBudget budget,
        DescriptorBudget? descriptors = null) =>
        StartChild(context, socket, PeerOf(socket), settings, parsers, sinkSlots, source, budget, descriptors);

    /// <inheritdoc cref="StartChild(IActorContext, System.Net.Sockets.Socket, SourceSettings, IReadOnlyList{IActorRef}, int, SourceStatus, ProcessBudget, DescriptorBudget?)"/>
    internal static (IActorRef Connection, ConnectionInfo Info) StartChild(IActorContext context, System.Net.Sockets.Socket socket, string peer,
        SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus source, ProcessBudget budget,
        DescriptorBudget? descriptors = null)
    {
        var id = ConnectionIds.Next();
        var info = new ConnectionInfo(settings.Name, id, peer);
        var state = new ConnectionState(info, new SocketTransport(socket, descriptors), sinkSlots, source,
            new InflightBytes(settings.MaxInflightBytes, settings.ReadBufferSize), budget);
        var connection = context.ActorOf(Props(state, settings, parsers[(int)(id % parsers.Count)]), $"connection-{id}");
        context.Watch(connection);
        return (connection, info);
    }

    /// <summary>
    /// The peer's address, or "unknown" when the peer reset before it could be read: getpeername fails with
    /// ENOTCONN then, and the connection's first read reports the reset the normal way. An IPv4 peer of a dual-stack
    /// listener is named by its IPv4 address (<see cref="PeerName"/>).
    /// </summary>
    internal static string PeerOf(System.Net.Sockets.Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint is System.Net.IPEndPoint endpoint ? PeerName(endpoint) : socket.RemoteEndPoint?.ToString() ?? "unknown";
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// <c>ip:port</c>, with an IPv4-mapped IPv6 address (::ffff:10.1.2.3) written as the IPv4 address it is, so that a
    /// device is named alike whether a dual-stack listener or a proxy's header reported it.
    /// </summary>
    internal static string PeerName(System.Net.IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new System.Net.IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port).ToString() : endpoint.ToString();

    /// <inheritdoc cref="PeerOf"/>
    internal static string LocalOf(System.Net.Sockets.Socket socket)
    {
        try
        {
            return socket.LocalEndPoint?.ToString() ?? "unknown";
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return "unknown";
        }
    }

    private ConnectionInfo Info => _state.Info;

    protected override void PreStart()
    {
        // Registered by the actor itself, before it handles any message and in the same thread as its PostStop,
        // so the view can neither miss its first frame nor keep a connection that already closed.
        _state.Status = new ConnectionStatus(Info.Id, Info.Source, Info.Peer, Self);
        _state.Waiter = new ReadWaiter(Self, _state.Source, _sourceTag);
        _counters.Opened();
        ActorKinds.Started(ActorKinds.Connection, Self);
        _log.Opened(Info.Id, Info.Peer, Info.Source);
        if (_tls is not null)
        {
            // The handshake is the connection's first step; handshake-timeout bounds it, so the idle timeout starts after it.
            _state.Transport.BeginTlsHandshake(_tls, Self);
            Become(Handshaking);
            return;
        }
        RecordOpen();
        StartStreaming();
    }

    /// <summary>
    /// The recording's open record, once per connection: for TLS after the handshake, so that it carries the client
    /// certificate's subject and a replay gives the records the same clientSubject.
    /// </summary>
    private void RecordOpen()
    {
        if (_recorder is null || _state.OpenRecorded) return;
        _state.OpenRecorded = true;
        _recorder.Opened(Info, _state.Transport.LocalEndPoint);
    }

    /// <summary>The connection is ready for the peer's bytes (after the handshake, with TLS).</summary>
    private void StartStreaming()
    {
        StartIdleClock();
        StartHeartbeat();
        if (_settings.OnConnect is { } login) QueueWrite(login, "on-connect");
        PumpWrites();
        ContinueReading();
    }

    private void Handshaking(object message)
    {
        switch (message)
        {
            case TlsOutcome { Ok: true } done:
                _state.Transport.HandshakeHandled();
                // Before the first read: every batch and record of this connection carries the subject.
                _state.Info = Info with { ClientSubject = done.ClientSubject };
                _state.Status.ClientSubject = done.ClientSubject;
                _log.Established(Info.Id, Info.Peer, Info.Source, done.Protocol.ToString(), done.ClientSubject ?? "none");
                // A feed counts as connected only once its handshake is done (a listener has no use for it).
                if (_settings.Type == SourceType.TcpConnect) Context.Parent.Tell(new ConnectionProtocol.Established(Info.Id, Info.Peer));
                RecordOpen();
                Become(Reading);
                StartStreaming();
                break;
            case TlsOutcome failed:
                _state.Transport.HandshakeHandled();
                ActorNetMetrics.ConnectionsRejected.Add(1, _sourceTag, TlsHandshakeReason);
                _state.Source.Rejected();
                if (_tls!.MayLogFailure(out var suppressed)) _log.HandshakeFailed(Info.Source, Info.Peer, failed.Failure, suppressed);
                Stop(CloseReasons.TlsHandshake, $"TLS handshake failed: {failed.Failure}");
                break;
            case ConnectionProtocol.Close close:
                // Disposing the socket (PostStop) ends the handshake under way; its outcome goes to dead letters.
                Stop(CloseReasons.Requested, close.Reason);
                break;
            case ConnectionProtocol.Drain:
                Stop(CloseReasons.Stopping, "ActorNet is stopping");
                break;
            case ConnectionProtocol.Write write:
                // Queued; sent once the handshake is done.
                if (_outgoing.TryEnqueue(write.Payload.Span, out var error)) Sender.Tell(new Status.Success(Info.Id));
                else Sender.Tell(new Status.Failure(new InvalidOperationException($"connection {Info.Id}: {error}")));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private static readonly KeyValuePair<string, object?> TlsHandshakeReason = ActorNetMetrics.Reason("tls-handshake");

    protected override void PreRestart(Exception reason, object message)
    {
        // Keep the socket (no base call: it would run PostStop and close it). The partial frame is handed to
        // the next incarnation to quarantine, since the state that produced it is no longer trusted.
        // Out of the process budget's queue while the backoff lasts, so as not to hold up the connections behind it.
        _state.Budget.Leave(_state.Waiter);
        var (prefix, length) = _cutter.TakePartial();
        _state.LostPartial = prefix;
        _state.LostPartialLength = length;
        _cutter.Abandon();
    }

    protected override void PostRestart(Exception reason)
    {
        _counters.Restarted();
        ActorKinds.Restarted(ActorKinds.Connection);
        _log.Restarted(reason, Info.Id, Info.Peer, Info.Source, reason.Message, _state.LostPartialLength);
        if (_state.Transport.Handshaking)
        {
            // Nothing was read yet: the handshake's outcome comes to this incarnation.
            Become(Handshaking);
            return;
        }
        StartIdleClock();
        StartHeartbeat();
        // The failed incarnation's read buffer and queued writes went with it (to the GC, not the pool).
        ReportInflight();

        if (_state.LostPartialLength > 0)
        {
            var lost = _state.LostPartialLength;
            Send(LostPartialBatch(reason));
            if (!_cutter.TryResynchronise(lost))
            {
                Stop(CloseReasons.BadFrameStart, $"{_settings.Framing.Type} framing cannot find the next frame after losing a partial frame in a restart");
                return;
            }
        }

        _waitingForRestartBackoff = true;
        Timers.StartSingleTimer(nameof(ConnectionProtocol.ResumeAfterRestart), ConnectionProtocol.ResumeAfterRestart.Instance,
            _settings.Restart.Backoff);
    }

    protected override void PostStop()
    {
        // Out of the operational view before the socket closes: a peer that sees its connection closed no longer finds
        // it in /api/connections (a second DELETE of it is a 404, not a 202 for a connection already gone).
        _counters.Closed(Info.Id);
        _state.Transport.Dispose();
        // A receive still under way may complete into the read buffer even after the socket closed.
        _cutter.Close(readUnderWay: _state.Transport.ReadPending);
        ActorKinds.Stopped(Self);
        _state.StopCounting();
    }

    protected override void OnReceive(object message) => Reading(message);

    private void Reading(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.ReadCompleted read:
                ReadHandled();
                if (read.Count == 0)
                {
                    DeliverTruncated();
                    StopAfterLastAck(CloseReasons.PeerClosed, "the peer closed the connection");
                    return;
                }
                HeardFromPeer();
                Process(read);
                ContinueReading();
                break;
            case ConnectionProtocol.DataAvailable:
                ReadHandled();
                HeardFromPeer();
                _dataAvailable = true;
                ContinueReading();
                break;
            case ParsedBatch ack:
                Acknowledge(ack);
                if (_paused && _state.Ledger.Inflight <= _settings.MaxInflightFrames / 2
                    && _state.Bytes.MayResume(_cutter.BufferBytes, _outgoing.HeldBytes))
                    ContinueReading();
                break;
            case FramesCommitted commit:
                AcknowledgeToPeer(commit);
                break;
            case ConnectionProtocol.BudgetAvailable:
                ContinueReading();
                break;
            case ConnectionProtocol.ResumeAfterRestart:
                HeardFromPeer();
                _waitingForRestartBackoff = false;
                ContinueReading();
                break;
            case ConnectionProtocol.ReadFailed failed:
                ReadHandled();
                DeliverTruncated();
                Stop(CloseReasons.ReadError, $"read failed: {failed.Cause.Message}");
                break;
            case ConnectionProtocol.IdleCheck:
                // While paused the silence is ours, not the peer's (we stopped reading while the sinks catch up): the
                // clock starts again.
                if (!_idle.Check(Environment.TickCount64, _paused, out var next))
                {
                    Timers.StartSingleTimer(nameof(ConnectionProtocol.IdleCheck), ConnectionProtocol.IdleCheck.Instance, next);
                    break;
                }
                DeliverTruncated();
                Stop(CloseReasons.IdleTimeout, $"idle for {_settings.IdleTimeout}");
                break;
            case ConnectionProtocol.Close close:
                DeliverTruncated();
                Stop(CloseReasons.Requested, close.Reason);
                break;
            case ConnectionProtocol.Write write:
                // A frame handed in to be written counts as activity, as it always did (reference.conf, idle-timeout).
                HeardFromPeer();
                if (_outgoing.TryEnqueue(write.Payload.Span, out var error))
                {
                    Sender.Tell(new Status.Success(Info.Id));
                    PumpWrites();
                    ReportInflight();
                }
                else
                {
                    Sender.Tell(new Status.Failure(new InvalidOperationException($"connection {Info.Id}: {error}")));
                }
                break;
            case ConnectionProtocol.HeartbeatTick:
                if (_settings.Heartbeat is { } heartbeat) QueueWrite(heartbeat.Payload, "heartbeat");
                break;
            case ConnectionProtocol.FrameCheck:
                CheckFrame();
                break;
            case ConnectionProtocol.WriteCompleted written:
                _state.Transport.WriteHandled();
                _outgoing.Completed(written.Buffer, written.Count);
                PumpWrites();
                ReportInflight();
                if (_paused) ContinueReading();
                break;
            case ConnectionProtocol.WriteFailed failed:
                _state.Transport.WriteHandled();
                DeliverTruncated();
                Stop(CloseReasons.WriteError, $"write failed: {failed.Cause.Message}");
                break;
            case ConnectionProtocol.Drain:
                _state.Budget.Leave(_state.Waiter);
                Become(Draining);
                if (_state.Transport.ReadPending) _state.Transport.ShutdownReceive();
                else FinishDrain();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Draining(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.ReadCompleted read:
                ReadHandled();
                if (read.Count > 0) Process(read);
                FinishDrain();
                break;
            case ConnectionProtocol.DataAvailable or ConnectionProtocol.ReadFailed:
                ReadHandled();
                FinishDrain();
                break;
            case ParsedBatch ack:
                Acknowledge(ack);
                break;
            default:
                // Reads are over: idle timeouts, closes and resumes have nothing left to act on.
                break;
        }
    }

    private void FinishDrain()
    {
        DeliverTruncated();
        StopAfterLastAck(CloseReasons.Stopping, "ActorNet is stopping");
    }

    /// <summary>
    /// Reading is over but the peer may still listen (it half-closed, or ActorNet drains): with acknowledgements,
    /// wait for the frames read to be committed and send the last <c>ACK n</c>, so that a peer that stops sending
    /// and waits for it does not resend what was stored. Bounded by ack.final-wait.
    /// </summary>
    private void StopAfterLastAck(string kind, string reason)
    {
        if (!_settings.Ack || _state.Ledger.LostFrames || LastAckWritten)
        {
            Stop(kind, reason);
            return;
        }
        _closeKind = kind;
        _closeReason = reason;
        Timers.Cancel(nameof(ConnectionProtocol.IdleCheck));
        Timers.Cancel(nameof(ConnectionProtocol.HeartbeatTick));
        Timers.StartSingleTimer(nameof(FinalAckTimeout), FinalAckTimeout.Instance, _settings.AckFinalWait);
        Become(AwaitingCommits);
    }

    private bool LastAckWritten =>
        _state.Ledger.AllAckedToPeer && !_state.Transport.WritePending && _outgoing.PendingBytes == 0;

    private void AwaitingCommits(object message)
    {
        switch (message)
        {
            case ParsedBatch ack:
                Acknowledge(ack);
                break;
            case FramesCommitted commit:
                AcknowledgeToPeer(commit);
                break;
            case ConnectionProtocol.WriteCompleted written:
                _state.Transport.WriteHandled();
                _outgoing.Completed(written.Buffer, written.Count);
                PumpWrites();
                ReportInflight();
                break;
            case ConnectionProtocol.WriteFailed failed:
                _state.Transport.WriteHandled();
                Stop(_closeKind, $"{_closeReason}; the last ACK could not be written: {failed.Cause.Message}");
                return;
            case FinalAckTimeout:
                Stop(_closeKind, $"{_closeReason}; frames after {_state.Ledger.LastAckSent} were not committed within ack.final-wait ({_settings.AckFinalWait}) and stay unacknowledged");
                return;
            case ConnectionProtocol.ReadCompleted or ConnectionProtocol.DataAvailable or ConnectionProtocol.ReadFailed:
                ReadHandled();
                return;
            default:
                return;
        }
        if (LastAckWritten || _state.Ledger.LostFrames) Stop(_closeKind, _closeReason);
    }

    private sealed class FinalAckTimeout
    {
        public static readonly FinalAckTimeout Instance = new();
    }

    private void ContinueReading()
    {
        if (_stopping || _waitingForRestartBackoff || _state.Transport.ReadPending || _state.Transport.IsDisposed) return;
        if (_state.Ledger.Inflight >= _settings.MaxInflightFrames || _outgoing.IsOverLimit
            || !_state.Bytes.MayRead(_cutter.BufferBytes, _outgoing.HeldBytes, _cutter.NextRentBytes))
        {
            // Held back by its own limits: its place in the process budget's queue would block the connections behind it.
            _state.Budget.Leave(_state.Waiter);
            _paused = true;
            return;
        }
        if (!_cutter.HoldsBuffer && !_dataAvailable)
        {
            // Waiting for data rents nothing: an idle peer holds no share of the process budget.
            Resumed();
            _state.Transport.BeginWaitForData(Self);
            return;
        }
        if (_recorder is not null && !_recorder.MayRead(Self, ConnectionProtocol.BudgetAvailable.Instance))
        {
            // The recording is behind (record.when-behind = wait): the disk sets the pace; BudgetAvailable comes when it caught up.
            _state.Budget.Leave(_state.Waiter);
            _paused = true;
            return;
        }
        if (!ReserveRead())
        {
            _paused = true;
            return;
        }
        Resumed();
        _dataAvailable = false;
        var (buffer, offset, count) = _cutter.PrepareReceive();
        _state.Transport.BeginReceive(buffer, offset, count, Self);
        ReportInflight();
    }

    /// <summary>
    /// Reserves in the process budget what the next read may add to what this connection holds: the buffer it rents
    /// (none when the partial frame's buffer has room; its adaptive read size otherwise) plus the buffer the partial
    /// frame after it moves to, or the right-sized copy of its frames. That one is counted at read-buffer-size, not at
    /// the adaptive size: a partial frame longer than half the adaptive size moves to a buffer of its length plus that
    /// size, which only read-buffer-size bounds (up to frames of half of it, as before reads adapted). The
    /// reservation stands until the read is handled (<see cref="ConnectionState.ReadFloor"/>), then what is really
    /// held replaces it. False: paused, queued; <see cref="ConnectionProtocol.BudgetAvailable"/> comes when it is first.
    /// </summary>
    private bool ReserveRead() => _state.TryReserveRead((long)_cutter.NextRentBytes + _state.Bytes.ReadBuffer);

    /// <summary>A receive came back: the transport may start another, and the read's reservation gives way to what is held.</summary>
    private void ReadHandled()
    {
        _state.Transport.ReadHandled();
        _state.ReadFloor = 0;
    }

    private void Process(ConnectionProtocol.ReadCompleted read)
    {
        _counters.Read(read.Count);
        var nextSeq = _state.Ledger.NextSeq;
        var receivedAt = DateTime.UtcNow;
        _recorder?.Read(Info, read.Buffer.AsSpan(read.Offset, read.Count), receivedAt);
        var batch = _cutter.Cut(read.Buffer, read.Offset, read.Count, Info, ref nextSeq, receivedAt, out var fatal);
        if (batch is not null)
        {
            if (_settings.Reply == ReplyMode.Echo) EchoBack(batch);
            Send(batch);
        }
        // A read that filled its buffer leaves more waiting: read again at once instead of waiting for data.
        _dataAvailable = read.Count == read.Buffer.Length - read.Offset;
        ReportInflight();
        if (fatal) Stop(CloseReasons.BadFrameStart, "the stream cannot be resynchronised after a bad frame start: a bad length field or a missing sync-marker (see quarantine)");
        else if (_frameClock.Enabled) WatchFrame(ended: batch is not null);
    }

    /// <summary>
    /// frame-timeout, min-data-rate: after a read, starts the frame clock when a frame began in it, and arms the
    /// check unless one is armed already (it re-arms itself for the frame held when it fires).
    /// </summary>
    private void WatchFrame(bool ended)
    {
        var now = Environment.TickCount64;
        _frameClock.Read(now, _cutter.InFrame, ended);
        if (!_frameClock.InFrame || _frameCheckArmed) return;
        _frameCheckArmed = true;
        Timers.StartSingleTimer(nameof(ConnectionProtocol.FrameCheck), ConnectionProtocol.FrameCheck.Instance, _frameClock.NextCheck(now));
    }

    private void CheckFrame()
    {
        _frameCheckArmed = false;
        var slowPeers = _settings.SlowPeers;
        switch (_frameClock.Check(Environment.TickCount64, _cutter.PendingBytes, _paused, out var next))
        {
            case FrameVerdict.Waiting:
                _frameCheckArmed = true;
                Timers.StartSingleTimer(nameof(ConnectionProtocol.FrameCheck), ConnectionProtocol.FrameCheck.Instance, next);
                break;
            case FrameVerdict.TimedOut:
                var timeout = slowPeers.FrameTimeout!.Value;
                DeliverTruncated(FrameErrorKind.FrameTimeout, (long)timeout.TotalMilliseconds);
                Stop(CloseReasons.FrameTimeout, CloseReasons.Sentence(CloseReasons.FrameTimeout,
                    $"a frame was not complete within {HoconUnits.Duration(timeout)} (see quarantine)"));
                break;
            case FrameVerdict.TooSlow:
                DeliverTruncated(FrameErrorKind.BelowMinDataRate, slowPeers.MinBytesPerSecond);
                Stop(CloseReasons.MinDataRate, CloseReasons.Sentence(CloseReasons.MinDataRate,
                    $"a frame arrived slower than {slowPeers.MinBytesPerSecond} bytes per second (see quarantine)"));
                break;
        }
    }

    private void EchoBack(FrameBatch batch)
    {
        _outgoing.EnqueueEcho(batch);
        PumpWrites();
    }

    private void QueueWrite(byte[] payload, string what)
    {
        if (_outgoing.TryEnqueue(payload, out var error))
        {
            PumpWrites();
            ReportInflight();
        }
        else _log.NotSent(Info.Id, Info.Source, what, error);
    }

    private void PumpWrites()
    {
        if (_stopping || _state.Transport.WritePending || _state.Transport.IsDisposed || _state.Transport.Handshaking) return;
        if (!_outgoing.TryTakeNext(out var buffer, out var count)) return;
        _recorder?.Wrote(Info, buffer.AsSpan(0, count));
        _state.Transport.BeginSend(buffer, count, Self);
    }

    private void StartHeartbeat()
    {
        if (_settings.Heartbeat is { } heartbeat)
            Timers.StartPeriodicTimer(nameof(ConnectionProtocol.HeartbeatTick), ConnectionProtocol.HeartbeatTick.Instance, heartbeat.Interval);
    }

    private void Send(FrameBatch batch)
    {
        _counters.Framed(batch.Count, batch.ReceivedAt);
        _state.Ledger.Sent(batch);
        _state.Bytes.Pin(batch.HeldBytes);
        batch.SendTo(_parser, Self);
        ReportInflight();
    }

    /// <summary>A batch came back from a sink: the slots that finished with it since it last came back acknowledge it.</summary>
    private void Acknowledge(ParsedBatch ack)
    {
        List<AckGap>? gaps = null;
        _state.Ledger.Apply(ack, ref gaps);
        if (gaps is not null) foreach (var gap in gaps) LostOnTheWay(gap);
        while (_state.Ledger.TryRelease(out var released))
        {
            _state.Bytes.Unpin(released.HeldBytes);
            released.Release();
        }
        ack.Returned();
        ReportInflight();
    }

    /// <summary>
    /// A sink acknowledged a batch after a gap: the batches between never reached it (a sink or parser actor
    /// restarted and lost its mailbox's head, or a sink was stopped). Never silent; with acknowledgements the
    /// peer is closed, so that it resends from its last <c>ACK n</c> instead of this connection acknowledging
    /// past the gap.
    /// </summary>
    private void LostOnTheWay(AckGap gap)
    {
        _log.NeverReachedSink(Info.Id, Info.Source, gap.From, gap.To, gap.Slot, _settings.AllSinks[gap.Slot]);
        if (!_settings.Ack || _stopping) return;
        DeliverTruncated();
        Stop(CloseReasons.LostFrames, $"frames {gap.From}..{gap.To} were lost before sink {_settings.AllSinks[gap.Slot]} stored them; the peer resends from its last ACK");
    }

    /// <summary>
    /// Writes <c>ACK n</c> once frames 1..n are durable in every sink of the source. One ACK per commit that moves
    /// n, so at most one per batch; formatted on the stack (the outgoing buffer copies it).
    /// </summary>
    private void AcknowledgeToPeer(FramesCommitted commit)
    {
        var committed = _state.Ledger.Commit(commit.AckSlot, commit.UpToSeq);
        if (committed == 0 || _stopping) return;
        Span<byte> ack = stackalloc byte[24];
        "ACK "u8.CopyTo(ack);
        committed.TryFormat(ack[4..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        if (!_outgoing.TryEnqueue(ack[..(4 + digits)], out var error))
        {
            // Too much is waiting for this peer already; a later commit acknowledges these frames too.
            _log.AckNotSent(Info.Id, Info.Source, committed, error);
            return;
        }
        _state.Ledger.AckWritten(committed);
        _counters.AckSent(committed);
        PumpWrites();
        ReportInflight();
    }

    /// <summary>
    /// Brings the frames and bytes in flight up to date everywhere they are shown (metrics, this connection's and
    /// its source's views), by the difference since the last report; nothing when nothing changed.
    /// </summary>
    private void ReportInflight()
    {
        var held = _state.Bytes.Held(_cutter.BufferBytes, _outgoing.HeldBytes);
        _state.Recharge(held, _cutter.BufferBytes);
        _counters.Inflight(_state.Ledger.Inflight, held);
    }

    private void DeliverTruncated(FrameErrorKind kind = FrameErrorKind.Truncated, long limit = 0)
    {
        var nextSeq = _state.Ledger.NextSeq;
        _truncatedAt = DateTime.UtcNow;
        var batch = _cutter.Truncate(Info, ref nextSeq, _truncatedAt, kind, limit);
        if (batch is not null) Send(batch);
    }

    private FrameBatch LostPartialBatch(Exception reason)
    {
        var rejected = new RejectedFrame(RejectedFrame.LostOnRestart,
            $"partial frame of {_state.LostPartialLength} bytes discarded because the connection actor restarted after {reason.GetType().Name}: {reason.Message}",
            _state.LostPartial ?? [], _state.LostPartialLength);
        _state.LostPartial = null;
        _state.LostPartialLength = 0;
        return new FrameBatch(Info, _state.Ledger.NextSeq, DateTime.UtcNow, [], [default], 1, [rejected]);
    }

    // idle-timeout: one timer per period (IdleClock), a time stored per sign of life. What counts as hearing from the
    // peer is written next to the key in reference.conf: a read of any size (a byte inside a partial frame too), data
    // becoming available, a frame handed in to be written, a restart.
    private void StartIdleClock()
    {
        if (!_idle.Enabled) return;
        Timers.StartSingleTimer(nameof(ConnectionProtocol.IdleCheck), ConnectionProtocol.IdleCheck.Instance, _idle.Start(Environment.TickCount64));
    }

    private void HeardFromPeer()
    {
        if (_idle.Enabled) _idle.Heard(Environment.TickCount64);
    }

    /// <summary>Reading again: the time ActorNet did not read is not the peer's silence, so the idle clock starts again.</summary>
    private void Resumed()
    {
        if (!_paused) return;
        _paused = false;
        HeardFromPeer();
    }

    /// <summary>
    /// The connection's place in the process budget's queue. Resume runs on the thread that released bytes: it only
    /// tells the actor, which tries again on its own thread.
    /// </summary>
    private sealed class ReadWaiter(IActorRef connection, SourceStatus source, KeyValuePair<string, object?> sourceTag) : BudgetWaiter
    {
        private static readonly KeyValuePair<string, object?> ProcessBudgetReason = ActorNetMetrics.Reason("process-budget");

        protected internal override void Paused()
        {
            ActorNetMetrics.ReadsPaused.Add(1, sourceTag, ProcessBudgetReason);
            source.PausedByProcessBudget();
        }

        protected internal override void Resume() => connection.Tell(ConnectionProtocol.BudgetAvailable.Instance, ActorRefs.NoSender);
    }

    /// <param name="kind">One of <see cref="CloseReasons"/>: the metric's label; <paramref name="reason"/> is the log's sentence.</param>
    private void Stop(string kind, string reason)
    {
        if (_stopping) return;
        _stopping = true;
        _counters.Closing(kind);
        _log.Closed(Info.Id, Info.Peer, Info.Source, reason, _state.Ledger.NextSeq - 1);
        // A connection that ended in its TLS handshake has no open record yet: one without a subject keeps opens and closes paired.
        RecordOpen();
        _recorder?.Closed(Info, reason, _truncatedAt == default ? DateTime.UtcNow : _truncatedAt);
        Context.Parent.Tell(new ConnectionProtocol.ConnectionClosed(Info.Id, reason));
        Context.Stop(Self);
    }
}
