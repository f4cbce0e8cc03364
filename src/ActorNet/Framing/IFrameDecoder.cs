using System.Buffers;

namespace ActorNet.Framing;

/// <summary>
/// Finds frame boundaries in a byte stream that arrives in arbitrary chunks. Implementations are pure: no
/// actors, sockets or loggers, and no allocation per frame. A decoder instance belongs to one connection;
/// it may keep small state between calls (e.g. "discarding a too-long frame").
/// </summary>
public interface IFrameDecoder
{
    /// <summary>
    /// Looks at the start of <paramref name="buffer"/>. See <see cref="DecodeStatus"/> for what each outcome
    /// means for <paramref name="buffer"/>, <paramref name="frame"/> and <paramref name="error"/>. The caller
    /// calls again until <see cref="DecodeStatus.NeedMoreData"/> (or <see cref="DecodeStatus.Fatal"/>).
    /// </summary>
    DecodeStatus Decode(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error);

    /// <summary>
    /// The same decoding over contiguous memory, with positions as offsets into <paramref name="buffer"/>:
    /// the frame (or the bytes it reports) is <c>buffer[frameStart..(frameStart + frameLength)]</c> and
    /// <paramref name="consumed"/> bytes were consumed. Connections read into one array, and this spares them
    /// the sequence bookkeeping on every frame; a decoder may override it with a faster path for its common case.
    /// </summary>
    DecodeStatus Decode(ReadOnlyMemory<byte> buffer, out int frameStart, out int frameLength, out int consumed, out FrameError error)
        => ContiguousDecoding.ViaSequence(this, buffer, out frameStart, out frameLength, out consumed, out error);

    /// <summary>
    /// Optional bulk path: cuts as many plain frames as it can from the start of <paramref name="buffer"/> into
    /// <paramref name="frames"/> (offsets relative to <paramref name="buffer"/>) and stops before anything else
    /// (an incomplete or bad frame, a full <paramref name="frames"/>), which the caller then hands to
    /// <see cref="Decode(ReadOnlyMemory{byte}, out int, out int, out int, out FrameError)"/>. Returns the frames
    /// cut; <paramref name="consumed"/> covers them. The default cuts none.
    /// </summary>
    int DecodeFrames(ReadOnlySpan<byte> buffer, Span<FrameSpan> frames, out int consumed)
    {
        consumed = 0;
        return 0;
    }

    /// <summary>
    /// Called when <paramref name="lostBytes"/> (&gt; 0) bytes at the start of a frame were lost, e.g. because
    /// the connection actor restarted while holding them. Returns false when this framing has no way to find
    /// the next boundary (length-field without a sync marker): the caller must then close the peer. Otherwise the decoder skips to
    /// the next boundary and reports the skipped bytes as <see cref="FrameErrorKind.Resynchronised"/>.
    /// </summary>
    bool TryResynchronise(int lostBytes);

    /// <summary>
    /// True when consecutive frames are separated by ASCII bytes only (a delimiter such as "\n"): then a run of
    /// frames with their separators is valid UTF-8 exactly when every frame is, and a text parser can check a
    /// whole read at once. False by default.
    /// </summary>
    bool SeparatesWithAscii => false;

    /// <summary>The largest payload a frame may carry (max-frame-length).</summary>
    int MaxFrameLength { get; }
}
