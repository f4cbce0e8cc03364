namespace ActorNet.Protocol;

/// <summary>
/// One connection's acknowledgement bookkeeping, pure: the batches it sent and no sink has finished with yet,
/// per sink slot the highest seq acknowledged (received: written, spooled or held no more) and the highest
/// committed (durable), the frames in flight, the <c>ACK n</c> it may write to its peer, and gaps.
///
/// Invariants: seqs are sent in order from 1 without holes; a slot's acknowledgements arrive in seq order, so an
/// acknowledgement that starts past the slot's next seq is a gap (batches lost between the connection and that
/// sink: a parser or sink restarted); after a gap no <c>ACK n</c> is ever allowed again (the peer must resend
/// from its last one); a commit never counts past what its slot acknowledged; <c>ACK n</c> only grows and never
/// passes what every slot committed. Lives in the connection's state, so it survives the actor's restarts.
/// </summary>
internal sealed class AckLedger
{
    private readonly long[] _acked;
    private readonly long[] _committed;
    private readonly Queue<FrameBatch> _unacknowledged = new();

    /// <param name="firstSeq">The first frame's seq: 1, or for a followed file the seq after its checkpoint's, so that a
    /// file's frames are numbered on across restarts (everything before counts as acknowledged and committed).</param>
    public AckLedger(int sinkSlots, long firstSeq = 1)
    {
        _acked = new long[sinkSlots];
        _committed = new long[sinkSlots];
        Array.Fill(_acked, firstSeq - 1);
        Array.Fill(_committed, firstSeq - 1);
        NextSeq = firstSeq;
        LastAckSent = firstSeq - 1;
    }

    /// <summary>The seq the next frame gets; frames are numbered 1, 2, 3, ... for the connection's lifetime.</summary>
    public long NextSeq { get; private set; }

    /// <summary>The n of the last <c>ACK n</c> written to the peer.</summary>
    public long LastAckSent { get; private set; }

    /// <summary>A sink never received some of this connection's frames: no further ACK may be sent.</summary>
    public bool LostFrames { get; private set; }

    /// <summary>The highest seq every slot has acknowledged (with no sink, everything sent).</summary>
    public long AckedByAll => _acked.Length == 0 ? NextSeq - 1 : Lowest(_acked);

    /// <summary>The highest seq every slot has made durable.</summary>
    public long CommittedByAll => _committed.Length == 0 ? 0 : Lowest(_committed);

    /// <summary>Frames sent and not yet acknowledged by every slot.</summary>
    public long Inflight => NextSeq - 1 - AckedByAll;

    /// <summary>Bytes of the buffers of the batches not yet acknowledged by every slot (see <see cref="FrameBatch.HeldBytes"/>).</summary>
    public long PinnedBytes { get; private set; }

    /// <summary>Every frame sent is acknowledged by the peer with <c>ACK n</c>.</summary>
    public bool AllAckedToPeer => LastAckSent >= NextSeq - 1;

    public long AckedBy(int slot) => _acked[slot];

    public long CommittedBy(int slot) => _committed[slot];

    /// <summary>A batch is on its way to the sinks; it must carry the next seqs.</summary>
    public void Sent(FrameBatch batch)
    {
        if (batch.FirstSeq != NextSeq)
            throw new InvalidOperationException($"batch starts at seq {batch.FirstSeq}, expected {NextSeq}: seqs are sent in order without holes");
        NextSeq = batch.LastSeq + 1;
        _unacknowledged.Enqueue(batch);
        PinnedBytes += batch.HeldBytes;
    }

    /// <summary>
    /// Slot <paramref name="slot"/> acknowledged <paramref name="firstSeq"/>..<paramref name="upToSeq"/>. A stale
    /// acknowledgement (at or below what the slot acknowledged) changes nothing. Returns the gap it reveals, if any
    /// (the seqs the slot never acknowledged before this one); a gap also stops every later <c>ACK n</c>.
    /// Batches every slot has acknowledged are then taken with <see cref="TryRelease"/>.
    /// </summary>
    public AckGap? Acknowledge(int slot, long firstSeq, long upToSeq)
    {
        var acked = _acked[slot];
        if (upToSeq <= acked) return null;
        AckGap? gap = null;
        if (firstSeq > acked + 1)
        {
            gap = new AckGap(slot, acked + 1, firstSeq - 1);
            LostFrames = true;
        }
        _acked[slot] = Math.Min(upToSeq, NextSeq - 1);
        return gap;
    }

    /// <summary>
    /// Applies the acknowledgements a sink message brings: the bits set on <paramref name="ack"/> and, first, those
    /// already set on the batches sent before it. A sink sets its bit on each batch in seq order and then tells that
    /// batch to the owner, but the owner may be told of a later batch by another sink before the earlier batch's message
    /// from the first sink arrives; the later batch then already carries the first sink's bit, and taking that bit
    /// alone would look like a gap (1,000 fuzzed connections with one read in flight each showed it). Every earlier bit
    /// that sink set is visible by then (set before, with a full fence), so taking the batches in order keeps each slot's
    /// acknowledgements in seq order; a bit still missing on an earlier batch is a real gap. The walk over the earlier
    /// batches happens only when a bit would skip seqs, so acknowledgements in order cost one look at this batch.
    /// Gaps go to <paramref name="gaps"/>, created only when there is one.
    /// </summary>
    public void Apply(ParsedBatch ack, ref List<AckGap>? gaps)
    {
        var slots = ack.TakeAcknowledgedSlots();
        foreach (var slot in slots)
        {
            if (_acked[slot] >= ack.FirstSeq - 1) continue;
            foreach (var batch in _unacknowledged)
            {
                if (batch.FirstSeq >= ack.FirstSeq) break;
                if (batch.ParsedOrNull is { } earlier) Apply(earlier, earlier.TakeAcknowledgedSlots(), ref gaps);
            }
            break;
        }
        Apply(ack, slots, ref gaps);
    }

    private void Apply(ParsedBatch parsed, SlotSet slots, ref List<AckGap>? gaps)
    {
        foreach (var slot in slots)
            if (Acknowledge(slot, parsed.FirstSeq, parsed.LastSeq) is { } gap) (gaps ??= []).Add(gap);
    }

    /// <summary>
    /// The owner stops: every batch the sinks have not all acknowledged is handed to them (<see cref="FrameBatch.Orphan"/>),
    /// its bytes (<see cref="PinnedBytes"/>, all of them) still counted in <paramref name="budget"/> until the last sink is done.
    /// </summary>
    public void Orphan(IHeldBytesBudget budget)
    {
        while (_unacknowledged.TryDequeue(out var batch)) batch.Orphan(budget);
        PinnedBytes = 0;
    }

    /// <summary>The oldest batch, once every slot has acknowledged all of it: its buffer may go back to the pool.</summary>
    public bool TryRelease(out FrameBatch batch)
    {
        if (_unacknowledged.TryPeek(out batch!) && batch.LastSeq <= AckedByAll)
        {
            _unacknowledged.Dequeue();
            PinnedBytes -= batch.HeldBytes;
            return true;
        }
        batch = null!;
        return false;
    }

    /// <summary>
    /// Slot <paramref name="slot"/> made frames up to <paramref name="upToSeq"/> durable (never counted past what it
    /// acknowledged). Returns the n of an <c>ACK n</c> to write now, or 0: none after a gap, none that would not
    /// move n. Call <see cref="AckWritten"/> once it is queued to the peer.
    /// </summary>
    public long Commit(int slot, long upToSeq)
    {
        var upTo = Math.Min(upToSeq, _acked[slot]);
        if (upTo > _committed[slot]) _committed[slot] = upTo;
        var committed = CommittedByAll;
        return committed > LastAckSent && !LostFrames ? committed : 0;
    }

    /// <summary><c>ACK n</c> was queued to the peer.</summary>
    public void AckWritten(long n)
    {
        if (n <= LastAckSent || n > CommittedByAll || LostFrames)
            throw new InvalidOperationException($"ACK {n} may not be written: last ACK {LastAckSent}, committed by all {CommittedByAll}, lost frames {LostFrames}");
        LastAckSent = n;
    }

    private static long Lowest(long[] positions)
    {
        var lowest = long.MaxValue;
        foreach (var position in positions) lowest = Math.Min(lowest, position);
        return lowest;
    }
}

/// <summary>Seqs <see cref="From"/>..<see cref="To"/> never reached sink slot <see cref="Slot"/>.</summary>
internal readonly record struct AckGap(int Slot, long From, long To);
