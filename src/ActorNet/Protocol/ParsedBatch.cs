using System.Numerics;
using ActorNet.Parsing;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Protocol;

/// <summary>
/// A <see cref="FrameBatch"/> after its source's parser: each entry is either a payload or a rejection.
/// Immutable while in flight but for its acknowledgements; shared by every sink of the source. When its frame batch
/// is pooled, so is it (<see cref="FrameBatch.Parsed"/>): after its acknowledgement a sink must not touch it.
/// <para>
/// It is the one message of its journey after the parser: the parser tells it to every sink of <see cref="Route"/>
/// (each finds its part there, <see cref="SourceRoute.SlotOf"/>); a sink that has written, spooled or handled its
/// part sets its slot's bit (<see cref="Acknowledge"/>) and tells the batch to <see cref="AckTo"/>, which applies
/// the bits it has not seen yet (<see cref="TakeAcknowledgedSlots"/>). So a read costs no message object per sink and
/// none per acknowledgement. A sink acknowledges a connection's batches in order, so a batch whose first seq lies
/// past what its slot acknowledged means batches were lost on the way (a parser or sink restarted). Acknowledgements
/// reaching a connection that already closed are expected, hence no dead-letter logging.
/// </para>
/// </summary>
public sealed class ParsedBatch : INotInfluenceReceiveTimeout, IDeadLetterSuppression
{
    private ReadOnlyMemory<byte>[]? _payloads;

    // One bit per sink slot: set by the sinks (any thread), applied by AckTo alone.
    private long _acknowledgedSlots;
    private long _appliedSlots;

    public ParsedBatch(FrameBatch frames, PayloadFormat format, RejectedFrame?[]? rejections, ReadOnlyMemory<byte>[]? payloads,
        SourceRoute? route = null)
    {
        Frames = frames;
        Format = format;
        Rejections = rejections;
        _payloads = payloads;
        Route = route;
    }

    public FrameBatch Frames { get; }

    /// <summary>The sinks the parser sent this batch to (null for a batch written straight to a sink: spool, reparse).</summary>
    public SourceRoute? Route { get; private set; }

    /// <summary>Filled again by the parser when its pooled frame batch is reused (<see cref="FrameBatch.Parsed"/>).</summary>
    internal void Fill(PayloadFormat format, RejectedFrame?[]? rejections, ReadOnlyMemory<byte>[]? payloads, SourceRoute route)
    {
        Format = format;
        Rejections = rejections;
        _payloads = payloads;
        Route = route;
        // The acknowledgement bits were cleared when the batch was recycled (Clear): the owner may look at them
        // (AckLedger.Apply) while the parser fills the batch, and must see none then.
    }

    /// <summary>Back in the pool with its frame batch: keeps nothing of the last use alive.</summary>
    internal void Clear()
    {
        Rejections = null;
        _payloads = null;
        Route = null;
        // Every sink message came back, so no sink sets a bit any more and the owner took them all.
        Volatile.Write(ref _acknowledgedSlots, 0);
        _appliedSlots = 0;
    }

    /// <summary>
    /// The owner has handled this batch as one sink's acknowledgement, and touches it no more: once released and back
    /// from every sink, the batch may be reused.
    /// </summary>
    internal void Returned() => Frames.SinkMessageReturned();

    /// <summary>Where the sinks acknowledge it: the connection that sent the frames.</summary>
    public IActorRef AckTo => Frames.AckTo;

    public long FirstSeq => Frames.FirstSeq;
    public long LastSeq => Frames.LastSeq;

    /// <summary>Sink slot <paramref name="slot"/> is done with this batch; the sink then tells it to <see cref="AckTo"/>.</summary>
    internal void Acknowledge(int slot) => Interlocked.Or(ref _acknowledgedSlots, 1L << slot);

    /// <summary>
    /// Every sink of <see cref="Route"/> set its bit: none will touch the batch again. False before the parser routed
    /// this use of a pooled batch (its route and bits were cleared when it was recycled).
    /// </summary>
    internal bool AllSlotsAcknowledged =>
        Route is { } route && Volatile.Read(ref _acknowledgedSlots) == (route.Count == 64 ? -1L : (1L << route.Count) - 1);

    /// <summary>The slots that acknowledged this batch since the last call; for <see cref="AckTo"/> alone.</summary>
    internal SlotSet TakeAcknowledgedSlots()
    {
        var acknowledged = Volatile.Read(ref _acknowledgedSlots);
        var fresh = acknowledged & ~_appliedSlots;
        _appliedSlots = acknowledged;
        return new SlotSet(fresh);
    }
    public PayloadFormat Format { get; private set; }
    public ConnectionInfo Connection => Frames.Connection;
    public int Count => Frames.Count;

    /// <summary>Null when nothing in the batch was rejected.</summary>
    public RejectedFrame?[]? Rejections { get; private set; }

    public bool IsRejected(int index) => Rejections?[index] is not null;

    /// <summary>
    /// Whether a sink that takes the accepted entries (<paramref name="accepted"/>: a source's data sink) and/or the
    /// rejected ones (<paramref name="rejected"/>: its quarantine) writes entry <paramref name="index"/>. The one
    /// place that rule is written: sinks, the spool and the backlog count all ask here.
    /// </summary>
    public bool Selects(int index, bool accepted, bool rejected) => IsRejected(index) ? rejected : accepted;

    /// <summary>How many entries <see cref="Selects"/> picks.</summary>
    public int CountSelected(bool accepted, bool rejected)
    {
        if (Rejections is null) return accepted ? Count : 0;
        var selected = 0;
        for (var i = 0; i < Count; i++)
            if (Selects(i, accepted, rejected)) selected++;
        return selected;
    }

    /// <summary>The payload of an accepted entry: the parser's output, usually the frame's own bytes.</summary>
    public ReadOnlyMemory<byte> Payload(int index) => _payloads is null ? Frames.Frame(index) : _payloads[index];

    public long Seq(int index) => Frames.FirstSeq + index;
}

/// <summary>Sink slots as bits, enumerated lowest first without allocating.</summary>
internal readonly struct SlotSet(long bits)
{
    public bool IsEmpty => bits == 0;

    public Enumerator GetEnumerator() => new(bits);

    public struct Enumerator(long bits)
    {
        private long _rest = bits;

        public int Current { get; private set; }

        public bool MoveNext()
        {
            if (_rest == 0) return false;
            Current = BitOperations.TrailingZeroCount(_rest);
            _rest &= _rest - 1;
            return true;
        }
    }
}
