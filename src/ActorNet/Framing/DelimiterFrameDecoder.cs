using System.Buffers;

namespace ActorNet.Framing;

/// <summary>
/// Frames that end at a delimiter (<c>"\n"</c>, <c>"\r\n"</c>, <c>"\0"</c>, <c>"END"</c>, ...). The payload excludes
/// the delimiter and may be empty (two delimiters in a row give an empty frame).
/// </summary>
/// <remarks>
/// <para>
/// A frame whose delimiter does not start within <c>maxFrameLength</c> bytes is too long. When its delimiter is
/// already buffered the frame is <see cref="DecodeStatus.Rejected"/> at once. Otherwise, as soon as
/// <c>maxFrameLength + delimiter.Length</c> bytes are buffered without a delimiter, the decoder starts discarding: it
/// consumes everything but the last <c>delimiter.Length - 1</c> bytes (they may be the start of the delimiter) and
/// returns <see cref="DecodeStatus.Discarding"/>, and keeps doing so on later calls until the delimiter arrives;
/// then it consumes through the delimiter and returns <see cref="DecodeStatus.Rejected"/> with
/// <see cref="FrameErrorKind.FrameTooLong"/> and the total payload length dropped. Memory stays bounded and the
/// frames on either side of the oversize one are intact.
/// </para>
/// <para>
/// After <see cref="DecodeStatus.NeedMoreData"/> the decoder remembers how far it has searched, so the caller must
/// hand back the same unconsumed bytes (with more appended), as <see cref="IFrameDecoder"/> asks. This keeps a
/// frame that trickles in one byte per read from being searched once per read, which would cost time quadratic in
/// max-frame-length on every connection of a slow or hostile peer.
/// </para>
/// </remarks>
public sealed class DelimiterFrameDecoder : IFrameDecoder, IFrameEncoder
{
    private readonly byte[] _delimiter;
    private readonly int _maxFrameLength;

    // Leading bytes of the pending buffer known to hold no delimiter start; only valid after NeedMoreData.
    private long _searched;

    private bool _discarding;
    private FrameErrorKind _discardReason;
    private long _discarded;
    private int _lostBytes;

    public DelimiterFrameDecoder(ReadOnlyMemory<byte> delimiter, int maxFrameLength)
    {
        if (delimiter.IsEmpty)
        {
            throw new ArgumentException("The delimiter must hold at least one byte.", nameof(delimiter));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);

        // An owned copy: the caller may reuse the memory it passed in.
        _delimiter = delimiter.ToArray();
        _maxFrameLength = maxFrameLength;
    }

    public ReadOnlyMemory<byte> Delimiter => _delimiter;

    public int MaxFrameLength => _maxFrameLength;

    public bool SeparatesWithAscii => System.Text.Ascii.IsValid(_delimiter);

    public DecodeStatus Decode(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        error = FrameError.None;

        // A shorter buffer than last time means the caller did not keep its side of the bargain; search it all.
        if (_searched > buffer.Length)
        {
            _searched = 0;
        }

        long index = IndexOfDelimiter(buffer, _searched);
        if (index >= 0)
        {
            _searched = 0;
            frame = buffer.Slice(0, index);
            buffer = buffer.Slice(index + _delimiter.Length);

            if (_discarding)
            {
                _discarding = false;
                long total = _discarded + index;
                error = _discardReason == FrameErrorKind.Resynchronised
                    ? new FrameError(FrameErrorKind.Resynchronised, total, _lostBytes)
                    : new FrameError(FrameErrorKind.FrameTooLong, total, _maxFrameLength);
                return DecodeStatus.Rejected;
            }

            if (index > _maxFrameLength)
            {
                error = new FrameError(FrameErrorKind.FrameTooLong, index, _maxFrameLength);
                return DecodeStatus.Rejected;
            }

            return DecodeStatus.Frame;
        }

        // No delimiter starts before this point; the bytes after it may be the first bytes of one.
        long safe = Math.Max(0, buffer.Length - (_delimiter.Length - 1));

        if (!_discarding && safe <= _maxFrameLength)
        {
            _searched = safe;
            frame = ReadOnlySequence<byte>.Empty;
            return DecodeStatus.NeedMoreData;
        }

        _searched = 0;
        if (safe == 0)
        {
            frame = ReadOnlySequence<byte>.Empty;
            return DecodeStatus.NeedMoreData;
        }

        if (!_discarding)
        {
            _discarding = true;
            _discardReason = FrameErrorKind.FrameTooLong;
            _discarded = 0;
        }

        frame = buffer.Slice(0, safe);
        buffer = buffer.Slice(frame.End);
        _discarded += safe;
        return DecodeStatus.Discarding;
    }

    /// <summary>
    /// Fast path for the common case (a one-byte delimiter found within max-frame-length, not discarding):
    /// one vectorised search over a span. Everything else takes the general path.
    /// </summary>
    public DecodeStatus Decode(ReadOnlyMemory<byte> buffer, out int frameStart, out int frameLength, out int consumed, out FrameError error)
    {
        if (!_discarding && _delimiter.Length == 1 && _searched <= buffer.Length)
        {
            var searched = (int)_searched;
            var found = buffer.Span[searched..].IndexOf(_delimiter[0]);
            if (found >= 0 && searched + found <= _maxFrameLength)
            {
                _searched = 0;
                error = default;
                frameStart = 0;
                frameLength = searched + found;
                consumed = frameLength + 1;
                return DecodeStatus.Frame;
            }
        }
        return ContiguousDecoding.ViaSequence(this, buffer, out frameStart, out frameLength, out consumed, out error);
    }

    /// <summary>The bulk path: one vectorised search per frame in a tight loop, for a one-byte delimiter.</summary>
    public int DecodeFrames(ReadOnlySpan<byte> buffer, Span<FrameSpan> frames, out int consumed)
    {
        consumed = 0;
        if (_discarding || _delimiter.Length != 1 || _searched != 0) return 0;
        var delimiter = _delimiter[0];
        var count = 0;
        var position = 0;
        while (count < frames.Length)
        {
            var found = buffer[position..].IndexOf(delimiter);
            if (found < 0 || found > _maxFrameLength) break;
            frames[count++] = new FrameSpan(position, found);
            position += found + 1;
        }
        consumed = position;
        return count;
    }

    /// <remarks>
    /// The lost bytes were the start of a frame, so everything up to and including the next delimiter is the rest
    /// of it and is skipped; the skip is reported as <see cref="FrameErrorKind.Resynchronised"/> even when it is
    /// empty (the loss ended right before a delimiter). If the loss ended inside a multi-byte delimiter, the
    /// remaining delimiter bytes do not match and the next frame is skipped too: a loss the stream cannot reveal.
    /// </remarks>
    public bool TryResynchronise(int lostBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lostBytes);
        _discarding = true;
        _discardReason = FrameErrorKind.Resynchronised;
        _discarded = 0;
        _lostBytes = lostBytes;
        _searched = 0;
        return true;
    }

    public int GetEncodedLength(int payloadLength)
    {
        CheckPayloadLength(payloadLength, nameof(payloadLength));
        return payloadLength + _delimiter.Length;
    }

    /// <exception cref="ArgumentException">
    /// The payload is longer than max-frame-length, or the decoder would find the delimiter earlier than where it is
    /// appended (the payload contains it, or ends with the start of an overlapping delimiter such as "a\n" before
    /// "\n\n"). <paramref name="destination"/> may have been written to.
    /// </exception>
    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        CheckPayloadLength(payload.Length, nameof(payload));
        int length = payload.Length + _delimiter.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} bytes but the framed payload needs {length}.", nameof(destination));
        }

        payload.CopyTo(destination);
        _delimiter.CopyTo(destination[payload.Length..]);

        // Checked on the output rather than the payload: that also catches a delimiter formed across the boundary.
        if (destination[..length].IndexOf(_delimiter) != payload.Length)
        {
            throw new ArgumentException(
                "The payload contains the delimiter (or ends with its start), so the peer would split it.", nameof(payload));
        }

        return length;
    }

    private void CheckPayloadLength(int payloadLength, string paramName)
    {
        if (payloadLength < 0 || payloadLength > _maxFrameLength)
        {
            throw new ArgumentException(
                $"A payload of {payloadLength} bytes does not fit max-frame-length {_maxFrameLength}.", paramName);
        }
    }

    private long IndexOfDelimiter(in ReadOnlySequence<byte> buffer, long start)
    {
        if (buffer.IsSingleSegment)
        {
            ReadOnlySpan<byte> span = buffer.FirstSpan[(int)start..];
            int found = _delimiter.Length == 1 ? span.IndexOf(_delimiter[0]) : span.IndexOf(_delimiter);
            return found < 0 ? -1 : start + found;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(start);
        bool hit = _delimiter.Length == 1
            ? reader.TryAdvanceTo(_delimiter[0], advancePastDelimiter: false)
            : reader.TryReadTo(out ReadOnlySequence<byte> _, _delimiter, advancePastDelimiter: false);
        return hit ? reader.Consumed : -1;
    }
}
