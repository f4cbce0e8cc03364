using ActorNet.Parsing;

namespace ActorNet.Protocol;

/// <summary>
/// A <see cref="FrameBatch"/> after its source's parser: each entry is either a payload or a rejection.
/// Immutable; shared by every sink of the source.
/// </summary>
public sealed class ParsedBatch
{
    private readonly ReadOnlyMemory<byte>[]? _payloads;

    public ParsedBatch(FrameBatch frames, PayloadFormat format, RejectedFrame?[]? rejections, ReadOnlyMemory<byte>[]? payloads)
    {
        Frames = frames;
        Format = format;
        Rejections = rejections;
        _payloads = payloads;
    }

    public FrameBatch Frames { get; }
    public PayloadFormat Format { get; }
    public ConnectionInfo Connection => Frames.Connection;
    public int Count => Frames.Count;

    /// <summary>Null when nothing in the batch was rejected.</summary>
    public RejectedFrame?[]? Rejections { get; }

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
