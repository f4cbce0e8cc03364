using ActorNet.Recording;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Framing;
using ActorNet.Protocol;
using Akka.Actor;

namespace ActorNet.Hosting.Replay;

/// <summary>
/// One recorded connection replayed: the same <see cref="FrameCutter"/> as the live connection actor, fed each recorded
/// read with its original boundaries and time (its frames' receivedAt), numbered by the same <see cref="AckLedger"/>,
/// so the parser and sinks see the batches the live connection made; a udp source's peer goes through
/// <see cref="DatagramReplay"/> instead, each read being one datagram cut on its own. Reports each read back to its parent once every
/// sink acknowledged its frames, which is how the replay keeps what is in flight bounded.
/// <code>
///   Replaying --Closed (truncated frame delivered) | Finish--> Ending --all acknowledged--> stopped
/// </code>
/// </summary>
internal sealed class ReplayConnectionActor : ReceiveActor
{
    private readonly ConnectionInfo _info;
    private readonly SourceSettings _settings;
    private readonly IActorRef _parser;
    private readonly FrameCutter _cutter;
    private readonly DatagramReplay? _datagrams;
    private readonly List<FrameBatch> _batches = [];
    private readonly AckLedger _ledger;
    // The last seq of each read's batch (0: made none), in read order, until acknowledged.
    private readonly Queue<long> _reads = new();

    public ReplayConnectionActor(ConnectionInfo info, SourceSettings settings, IActorRef parser)
    {
        _info = info;
        _settings = settings;
        _parser = parser;
        _cutter = new FrameCutter(settings.Framing.CreateDecoder(), settings.ReadBufferSize, settings.QuarantineRawLimit, settings.MinReadBufferSize);
        _ledger = new AckLedger(settings.AllSinks.Count);
        if (settings.Type == SourceType.Udp) _datagrams = new DatagramReplay(settings);
        Replaying();
    }

    public static Props Props(ConnectionInfo info, SourceSettings settings, IActorRef parser) =>
        Akka.Actor.Props.Create(() => new ReplayConnectionActor(info, settings, parser));

    private void Replaying()
    {
        Receive<ReplayProtocol.Read>(read =>
        {
            Feed(read);
            ReportDone();
        });
        Receive<ReplayProtocol.Closed>(closed =>
        {
            var nextSeq = _ledger.NextSeq;
            var (kind, limit) = TruncatedAs(closed.Reason);
            if (_cutter.Truncate(_info, ref nextSeq, closed.At, kind, limit) is { } batch) Send(batch);
            EndWhenAcknowledged();
        });
        Receive<ReplayProtocol.Finish>(_ => EndWhenAcknowledged());
        Receive<ParsedBatch>(Acknowledge);
        Receive<FramesCommitted>(_ => { });
    }

    /// <summary>
    /// How the live connection quarantined the partial frame it closed on: a slow peer's close names its kind first,
    /// with the limit of the same configuration the replay runs with; any other close left it truncated.
    /// </summary>
    private (FrameErrorKind Kind, long Limit) TruncatedAs(string reason)
    {
        var slowPeers = _settings.SlowPeers;
        if (CloseReasons.IsOf(reason, CloseReasons.FrameTimeout) && slowPeers.FrameTimeout is { } timeout)
            return (FrameErrorKind.FrameTimeout, (long)timeout.TotalMilliseconds);
        if (CloseReasons.IsOf(reason, CloseReasons.MinDataRate) && slowPeers.MinBytesPerSecond > 0)
            return (FrameErrorKind.BelowMinDataRate, slowPeers.MinBytesPerSecond);
        return (FrameErrorKind.Truncated, 0);
    }

    private void EndWhenAcknowledged()
    {
        Become(() =>
        {
            Receive<ParsedBatch>(ack =>
            {
                Acknowledge(ack);
                StopIfDone();
            });
            ReceiveAny(_ => { });
        });
        StopIfDone();
    }

    private void StopIfDone()
    {
        if (_ledger.Inflight == 0) Context.Stop(Self);
    }

    /// <summary>
    /// Copies the recorded bytes into the cutter's receive buffer as a socket read would. A read larger than the
    /// buffer the cutter offers (its adaptive size differs from the live one's only after a restart) goes in parts:
    /// the frames are the same, only the batches split differently.
    /// </summary>
    private void Feed(ReplayProtocol.Read read)
    {
        long lastSeq = 0;
        if (_datagrams is not null)
        {
            var nextSeq = _ledger.NextSeq;
            _batches.Clear();
            _datagrams.Cut(read.Data, _info, ref nextSeq, read.At, _batches);
            foreach (var batch in _batches)
            {
                lastSeq = batch.LastSeq;
                Send(batch);
            }
            _reads.Enqueue(lastSeq);
            return;
        }
        for (var done = 0; done < read.Data.Length;)
        {
            var (buffer, offset, count) = _cutter.PrepareReceive();
            var part = Math.Min(count, read.Data.Length - done);
            read.Data.AsSpan(done, part).CopyTo(buffer.AsSpan(offset));
            done += part;
            var nextSeq = _ledger.NextSeq;
            var batch = _cutter.Cut(buffer, offset, part, _info, ref nextSeq, read.At, out var fatal);
            if (batch is not null)
            {
                lastSeq = batch.LastSeq;
                Send(batch);
            }
            // The live connection closed the peer here; the recording's close record follows.
            if (fatal) break;
        }
        _reads.Enqueue(lastSeq);
    }

    private void Send(FrameBatch batch)
    {
        _ledger.Sent(batch);
        batch.SendTo(_parser, Self);
    }

    private void Acknowledge(ParsedBatch ack)
    {
        List<AckGap>? gaps = null;
        _ledger.Apply(ack, ref gaps);
        while (_ledger.TryRelease(out var released)) released.Release();
        ack.Returned();
        ReportDone();
    }

    private void ReportDone()
    {
        var done = 0;
        while (_reads.TryPeek(out var lastSeq) && lastSeq <= _ledger.AckedByAll)
        {
            _reads.Dequeue();
            done++;
        }
        if (done > 0) Context.Parent.Tell(new ReplayProtocol.ReadsDone(done));
    }

    protected override void PostStop()
    {
        _cutter.Dispose();
        // Reads still counted as in flight by the parent (their frames will never be acknowledged now).
        if (_reads.Count > 0) Context.Parent.Tell(new ReplayProtocol.ReadsDone(_reads.Count));
    }
}
