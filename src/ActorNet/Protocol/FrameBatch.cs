using ActorNet.Framing;
using ActorNet.Parsing;
using Akka.Actor;

namespace ActorNet.Protocol;

/// <summary>
/// Every frame cut from one socket read, as one owned buffer plus offsets: one message per read rather than
/// one per frame. Immutable once sent. Entry <c>i</c> has sequence number <c>FirstSeq + i</c>; an entry that
/// failed framing has a <see cref="RejectedFrame"/> in <see cref="Rejections"/> and no bytes of its own.
/// The buffer is pooled: it is valid until every sink has acknowledged the batch, after which the connection
/// that sent it returns it (<see cref="Release"/>). Sinks must copy anything they keep beyond that.
/// It is itself the message to the source's parser (<see cref="SendTo"/>), which answers nothing: the sinks
/// acknowledge to <see cref="AckTo"/>.
/// <para>
/// A batch over pooled buffers (<see cref="Rent"/>) is pooled itself, with the <see cref="ParsedBatch"/> its parser
/// fills: a steady stream allocates no object per read. It goes back to <see cref="BatchPool"/> once both are true,
/// each seen by its owner (the connection that sent it): it was released (every sink slot acknowledged it) and every
/// sink the parser sent it to has sent it back (<see cref="ParsedBatch.Returned"/>), the last touch of a sink. A
/// batch lost on the way (a sink or parser restarted) never comes back from every sink, so it is never reused: the
/// collector takes it.
/// </para>
/// </summary>
public sealed class FrameBatch
{
    private byte[]? _buffer;
    private FrameSpan[]? _slices;
    private bool _pooled;
    private bool _asciiSeparated;

    // Pooled instances only (Rent). -1: not parsed yet; then the sink messages the parser sent and that did not come back.
    private readonly bool _recyclable;
    private bool _released;
    private int _sinkMessagesOut = -1;
    private ParsedBatch? _parsed;

    // Set when the owner stopped before every sink was done with this batch (Orphan): the bytes stay counted in the
    // budget until the last sink's acknowledgement gives them back. An orphan is never reused (nobody releases it).
    private const int Owned = 0, Orphaned = 1, GivenBack = 2;
    private IHeldBytesBudget? _orphanBudget;
    private int _orphanState;

    public FrameBatch(ConnectionInfo connection, long firstSeq, DateTime receivedAt, byte[] buffer, FrameSpan[] slices,
        int count, RejectedFrame?[]? rejections, bool pooled = false, bool asciiSeparated = false)
    {
        Connection = null!;
        Set(connection, firstSeq, receivedAt, buffer, slices, count, rejections, pooled, asciiSeparated);
    }

    private FrameBatch()
    {
        _recyclable = true;
        Connection = null!;
    }

    /// <summary>A batch over pooled buffers, from <see cref="BatchPool"/> when it has one.</summary>
    internal static FrameBatch Rent(ConnectionInfo connection, long firstSeq, DateTime receivedAt, byte[] buffer, FrameSpan[] slices,
        int count, RejectedFrame?[]? rejections, bool asciiSeparated = false)
    {
        var batch = BatchPool.TryTake() ?? new FrameBatch();
        batch.Set(connection, firstSeq, receivedAt, buffer, slices, count, rejections, pooled: true, asciiSeparated);
        return batch;
    }

    private void Set(ConnectionInfo connection, long firstSeq, DateTime receivedAt, byte[] buffer, FrameSpan[] slices,
        int count, RejectedFrame?[]? rejections, bool pooled, bool asciiSeparated)
    {
        _asciiSeparated = asciiSeparated && rejections is null && count > 0;
        _pooled = pooled;
        Connection = connection;
        FirstSeq = firstSeq;
        ReceivedAt = receivedAt;
        _buffer = buffer;
        _slices = slices;
        Count = count;
        Rejections = rejections;
        HeldBytes = buffer.Length;
        AckTo = ActorRefs.Nobody;
        _released = false;
        _sinkMessagesOut = -1;
        _orphanBudget = null;
        _orphanState = Owned;
    }

    public ConnectionInfo Connection { get; private set; }

    /// <summary>Who the sinks acknowledge this batch to: the connection (or the udp source, the file's tail) that sent it.</summary>
    public IActorRef AckTo { get; private set; } = ActorRefs.Nobody;

    public long FirstSeq { get; private set; }
    public long LastSeq => FirstSeq + Count - 1;

    /// <summary>When the read that produced these frames completed (UTC).</summary>
    public DateTime ReceivedAt { get; private set; }

    public int Count { get; private set; }

    /// <summary>
    /// The length of the array behind the frames (a whole read buffer, however few bytes its frames use): what
    /// holding this batch costs its connection until it is released (max-inflight-bytes). Fixed at creation.
    /// </summary>
    internal int HeldBytes { get; private set; }

    /// <summary>Null when every frame was framed correctly (the common case: no per-batch allocation).</summary>
    public RejectedFrame?[]? Rejections { get; private set; }

    public ReadOnlyMemory<byte> Frame(int index)
    {
        var slice = _slices![index];
        return new ReadOnlyMemory<byte>(_buffer, slice.Offset, slice.Length);
    }

    /// <summary>The bytes of frame <paramref name="index"/> as a span (no <see cref="ReadOnlyMemory{T}"/> built).</summary>
    public ReadOnlySpan<byte> FrameBytes(int index)
    {
        var slice = _slices![index];
        return new ReadOnlySpan<byte>(_buffer, slice.Offset, slice.Length);
    }

    /// <summary>
    /// All frames of the batch with the ASCII separators between them, when the framing separates frames with
    /// ASCII bytes only and nothing in the batch was rejected; otherwise false.
    /// </summary>
    public bool TryGetAsciiSeparatedFrames(out ReadOnlySpan<byte> frames)
    {
        if (!_asciiSeparated)
        {
            frames = default;
            return false;
        }
        var first = _slices![0];
        var last = _slices[Count - 1];
        frames = new ReadOnlySpan<byte>(_buffer, first.Offset, last.Offset + last.Length - first.Offset);
        return true;
    }

    /// <summary>Sends this batch to <paramref name="parser"/>, the sinks to acknowledge it to <paramref name="ackTo"/>; once.</summary>
    internal void SendTo(IActorRef parser, IActorRef ackTo)
    {
        // Set before the Tell, which publishes it; never changed after.
        AckTo = ackTo;
        parser.Tell(this, ackTo);
    }

    /// <summary>
    /// The parsed batch, for the parser: this batch's own when it is pooled (filled again on every use), else a new
    /// one. The parser then sends it to every sink of <paramref name="route"/>, each of which sends it back once.
    /// </summary>
    internal ParsedBatch Parsed(PayloadFormat format, RejectedFrame?[]? rejections, ReadOnlyMemory<byte>[]? payloads, SourceRoute route)
    {
        if (!_recyclable)
        {
            var parsed = new ParsedBatch(this, format, rejections, payloads, route);
            Volatile.Write(ref _parsed, parsed);
            return parsed;
        }
        if (_parsed is null) Volatile.Write(ref _parsed, new ParsedBatch(this, format, rejections, payloads, route));
        else _parsed.Fill(format, rejections, payloads, route);
        _sinkMessagesOut = route.Count;
        return _parsed!;
    }

    /// <summary>
    /// This use's parsed batch once the parser made it (its sinks' acknowledgement bits), else null; for the owner's
    /// ledger, which takes the bits of earlier batches first (<see cref="AckLedger.Apply"/>). A pooled batch not yet
    /// parsed in this use may show its last use's parsed batch, whose bits were cleared when it was recycled.
    /// </summary>
    internal ParsedBatch? ParsedOrNull => Volatile.Read(ref _parsed);

    /// <summary>
    /// Returns pooled buffers; called once, by the owner, after the last acknowledgement. The owner reads what it needs
    /// (<see cref="HeldBytes"/>) first: a batch may go back to the pool here.
    /// </summary>
    internal void Release()
    {
        if (_pooled)
        {
            if (_buffer is { } buffer) BatchBuffers.Bytes.Return(buffer);
            if (_slices is { } slices) BatchBuffers.Slices.Return(slices);
            _buffer = null;
            _slices = null;
        }
        _released = true;
        RecycleIfDone();
    }

    /// <summary>
    /// The owner stops while sinks still hold this batch (a peer that sent its last line and closed, with a sink behind):
    /// its <see cref="HeldBytes"/>, still counted in <paramref name="budget"/>, are given back by whichever sink finishes
    /// it last (<see cref="SinkFinished"/>), or here when they all already have. The owner's last touch.
    /// </summary>
    internal void Orphan(IHeldBytesBudget budget)
    {
        _orphanBudget = budget;
        budget.Holds(this);
        // A full fence, as a sink's Interlocked.Or of its bit is: of a last bit set concurrently with this, either the
        // check below sees it or that sink sees the orphan (Dekker), and the exchange in GiveBack lets only one act.
        Interlocked.Exchange(ref _orphanState, Orphaned);
        if (AllSinksFinished) GiveBack();
    }

    /// <summary>
    /// A sink set its bit on this batch's parsed batch (<see cref="ParsedBatch.Acknowledge"/>): an orphan every sink
    /// has finished gives its bytes back. On a batch already reused by a live owner this finds it owned and does nothing.
    /// </summary>
    internal void SinkFinished()
    {
        if (Volatile.Read(ref _orphanState) == Orphaned && AllSinksFinished) GiveBack();
    }

    /// <summary>
    /// An orphan a sink or parser that stopped for good may have held: no acknowledgement may ever come, so its bytes go
    /// back now (once, as by <see cref="SinkFinished"/>). False when they already were.
    /// </summary>
    internal bool GiveBackUnfinished() => GiveBack();

    private bool AllSinksFinished => Volatile.Read(ref _parsed) is { } parsed && parsed.AllSlotsAcknowledged;

    private bool GiveBack()
    {
        if (Interlocked.CompareExchange(ref _orphanState, GivenBack, Orphaned) != Orphaned) return false;
        _orphanBudget!.ReleaseOrphaned(this);
        return true;
    }

    /// <summary>One sink's message came back to the owner (see <see cref="ParsedBatch.Returned"/>).</summary>
    internal void SinkMessageReturned()
    {
        if (_sinkMessagesOut > 0) _sinkMessagesOut--;
        RecycleIfDone();
    }

    private void RecycleIfDone()
    {
        if (!_recyclable || !_released || _sinkMessagesOut != 0) return;
        Connection = null!;
        AckTo = ActorRefs.Nobody;
        Rejections = null;
        _sinkMessagesOut = -1;
        _parsed?.Clear();
        BatchPool.Return(this);
    }
}
