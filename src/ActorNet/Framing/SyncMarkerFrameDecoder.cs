using System.Buffers;

namespace ActorNet.Framing;

/// <summary>
/// Length-field frames that each start with a sync marker (the 0xAA55 of many device protocols): a
/// <see cref="LengthFieldFrameDecoder"/> whose frame starts are checked for the marker and which, with
/// <c>resync</c>, recovers from a bad frame start by skipping to the next marker instead of closing the peer.
/// </summary>
/// <remarks>
/// <para>
/// The marker is the frame's first bytes and lies in the header before the length field, so
/// <c>lengthFieldOffset</c> is at least the marker's length; every other setting means what it means to the
/// length-field decoder (the frame length counts the marker, <c>initialBytesToStrip</c> counts from it).
/// </para>
/// <para>
/// A frame start is bad when its first bytes are not the marker (checked on as many bytes as are buffered, so a
/// wrong first byte is caught at once) or its length field fails the length-field decoder's checks. Without resync
/// that is <see cref="DecodeStatus.Fatal"/>. With resync the decoder skips: it consumes bytes up to the next
/// <i>candidate</i>, a marker followed by a header the length-field decoder accepts, returning
/// <see cref="DecodeStatus.Discarding"/> while none is buffered and <see cref="DecodeStatus.Rejected"/> (with the first
/// error, marked <see cref="FrameError.SkippedToSyncMarker"/>) once one is. A marker whose header is itself bad is
/// skipped as part of the same region, so each corrupt stretch is reported once. The search skips at least the
/// bad frame's first byte, and keeps the last marker-length bytes (and the byte before a candidate whose header is
/// still incomplete) so that a marker or a header split across reads is still found, while memory stays bounded.
/// </para>
/// <para>
/// A marker that also occurs inside payloads can make a skip stop early, at a false candidate; the frame cut there is
/// wrong and the next frame start is then bad again. Choose a marker the payloads do not contain, or that a checksum
/// in the parser catches.
/// </para>
/// </remarks>
public sealed class SyncMarkerFrameDecoder : IFrameDecoder, IFrameEncoder
{
    /// <summary>The longest marker accepted: device protocols use 1 to 4 bytes.</summary>
    public const int MaxMarkerLength = 16;

    private readonly LengthFieldFrameDecoder _frames;
    private readonly byte[] _marker;
    private readonly bool _resync;

    // Skipping state: the error that started it, bytes skipped so far, and where the next search starts (1 while the
    // byte at the front is the bad frame's first, which must not be taken for a frame start again).
    private bool _skipping;
    private FrameError _cause;
    private long _skipped;
    private int _searchFrom;

    /// <param name="frames">The length-field framing inside the marker (its offset covers the marker).</param>
    /// <param name="marker">The bytes every frame starts with; 1 to <see cref="MaxMarkerLength"/>.</param>
    /// <param name="resync">Skip to the next marker after a bad frame start (false: <see cref="DecodeStatus.Fatal"/>).</param>
    public SyncMarkerFrameDecoder(LengthFieldFrameDecoder frames, ReadOnlyMemory<byte> marker, bool resync)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (marker.Length is < 1 or > MaxMarkerLength)
        {
            throw new ArgumentException($"A sync marker holds 1 to {MaxMarkerLength} bytes, not {marker.Length}.", nameof(marker));
        }

        if (frames.LengthFieldOffset < marker.Length)
        {
            throw new ArgumentException(
                $"The {marker.Length}-byte sync marker starts the frame before the length field, so length-field-offset must be at " +
                $"least {marker.Length}, not {frames.LengthFieldOffset}.", nameof(frames));
        }

        _frames = frames;
        _marker = marker.ToArray();
        _resync = resync;
    }

    public ReadOnlyMemory<byte> Marker => _marker;

    public int MaxFrameLength => _frames.MaxFrameLength;

    /// <summary>Whether <see cref="Encode"/> can produce frames (see <see cref="LengthFieldFrameDecoder.CanEncode"/>).</summary>
    public bool CanEncode => _frames.CanEncode;

    public DecodeStatus Decode(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        if (_skipping)
        {
            return Skip(ref buffer, out frame, out error);
        }

        int buffered = (int)Math.Min(buffer.Length, _marker.Length);
        if (!StartsWithMarker(buffer, buffered))
        {
            return Bad(ref buffer, new FrameError(FrameErrorKind.MissingSyncMarker, 0, _marker.Length), out frame, out error);
        }

        if (buffered < _marker.Length)
        {
            frame = ReadOnlySequence<byte>.Empty;
            error = FrameError.None;
            return DecodeStatus.NeedMoreData;
        }

        ReadOnlySequence<byte> rest = buffer;
        DecodeStatus status = _frames.Decode(ref rest, out frame, out error);
        if (status != DecodeStatus.Fatal)
        {
            buffer = rest;
            return status;
        }

        return Bad(ref buffer, error, out frame, out error);
    }

    /// <summary>Fast path: a frame start with its marker goes straight to the length-field decoder's fast path.</summary>
    public DecodeStatus Decode(ReadOnlyMemory<byte> buffer, out int frameStart, out int frameLength, out int consumed, out FrameError error)
    {
        if (!_skipping && buffer.Span.StartsWith(_marker))
        {
            DecodeStatus status = _frames.Decode(buffer, out frameStart, out frameLength, out consumed, out error);
            if (status != DecodeStatus.Fatal)
            {
                return status;
            }
        }

        return ContiguousDecoding.ViaSequence(this, buffer, out frameStart, out frameLength, out consumed, out error);
    }

    /// <summary>The bulk path: the length-field decoder's, cut back at the first frame that does not start with the marker.</summary>
    public int DecodeFrames(ReadOnlySpan<byte> buffer, Span<FrameSpan> frames, out int consumed)
    {
        consumed = 0;
        if (_skipping)
        {
            return 0;
        }

        int count = _frames.DecodeFrames(buffer, frames, out int cut);
        int start = 0;
        for (int i = 0; i < count; i++)
        {
            if (!buffer[start..].StartsWith(_marker))
            {
                consumed = start;
                return i;
            }

            // A payload runs to the end of its frame, so the next frame starts where this payload ends.
            start = frames[i].Offset + frames[i].Length;
        }

        consumed = cut;
        return count;
    }

    /// <summary>
    /// Always true: the bytes after the loss continue the lost frame, so the decoder skips to the next marker (never
    /// the byte at the front) and reports the skip as <see cref="FrameErrorKind.Resynchronised"/>.
    /// </summary>
    public bool TryResynchronise(int lostBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lostBytes);
        StartSkipping(new FrameError(FrameErrorKind.Resynchronised, 0, lostBytes));
        return true;
    }

    public int GetEncodedLength(int payloadLength) => _frames.GetEncodedLength(payloadLength);

    /// <summary>The length-field encoding, with the marker in the header bytes before the length field.</summary>
    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int length = _frames.Encode(payload, destination);
        _marker.CopyTo(destination);
        return length;
    }

    private DecodeStatus Bad(ref ReadOnlySequence<byte> buffer, FrameError cause, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        if (!_resync)
        {
            frame = buffer.Slice(0, Math.Min(buffer.Length, _frames.HeaderLength));
            error = cause;
            return DecodeStatus.Fatal;
        }

        StartSkipping(cause);
        return Skip(ref buffer, out frame, out error);
    }

    private void StartSkipping(FrameError cause)
    {
        _skipping = true;
        _cause = cause;
        _skipped = 0;
        _searchFrom = 1;
    }

    private DecodeStatus Skip(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        error = FrameError.None;
        long from = _searchFrom;
        while (true)
        {
            long at = IndexOfMarker(buffer, from);
            if (at < 0)
            {
                // No marker starts before the last marker-length bytes; one may start among them.
                return Discard(ref buffer, buffer.Length - _marker.Length, out frame);
            }

            if (buffer.Length - at < _frames.HeaderLength)
            {
                // Keep the byte before the candidate too: the front byte is never taken for a frame start, and this
                // one is known not to be one.
                return Discard(ref buffer, at - 1, out frame);
            }

            ReadOnlySequence<byte> candidate = buffer.Slice(at);
            if (_frames.Decode(ref candidate, out _, out _) == DecodeStatus.Fatal)
            {
                from = at + 1;
                continue;
            }

            frame = buffer.Slice(0, at);
            buffer = buffer.Slice(at);
            _skipping = false;
            long total = _skipped + at;
            error = _cause.Kind == FrameErrorKind.Resynchronised
                ? new FrameError(FrameErrorKind.Resynchronised, total, _cause.Limit, SkippedToSyncMarker: true)
                : _cause with { SkippedToSyncMarker = true };
            return DecodeStatus.Rejected;
        }
    }

    private DecodeStatus Discard(ref ReadOnlySequence<byte> buffer, long count, out ReadOnlySequence<byte> frame)
    {
        if (count <= 0)
        {
            frame = ReadOnlySequence<byte>.Empty;
            return DecodeStatus.NeedMoreData;
        }

        frame = buffer.Slice(0, count);
        buffer = buffer.Slice(frame.End);
        _skipped += count;
        _searchFrom = 0;
        return DecodeStatus.Discarding;
    }

    private bool StartsWithMarker(in ReadOnlySequence<byte> buffer, int count)
    {
        ReadOnlySpan<byte> expected = _marker.AsSpan(0, count);
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= count)
        {
            return first.StartsWith(expected);
        }

        Span<byte> start = stackalloc byte[MaxMarkerLength];
        buffer.Slice(0, count).CopyTo(start);
        return start[..count].SequenceEqual(expected);
    }

    private long IndexOfMarker(in ReadOnlySequence<byte> buffer, long start)
    {
        if (start >= buffer.Length)
        {
            return -1;
        }

        if (buffer.IsSingleSegment)
        {
            int found = buffer.FirstSpan[(int)start..].IndexOf(_marker);
            return found < 0 ? -1 : start + found;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(start);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, _marker, advancePastDelimiter: false) ? reader.Consumed : -1;
    }
}
