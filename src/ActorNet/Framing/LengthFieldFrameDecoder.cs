using System.Buffers;
using System.Buffers.Binary;

namespace ActorNet.Framing;

/// <summary>
/// Frames announced by a length field, with the semantics of Netty's <c>LengthFieldBasedFrameDecoder</c> so that
/// settings copied from a Netty peer mean the same here:
/// <c>frameLength = fieldValue + lengthAdjustment + lengthFieldOffset + lengthFieldLength</c>, the frame starts at
/// the first header byte, and the payload handed out is the frame without its first
/// <c>initialBytesToStrip</c> bytes.
/// </summary>
/// <remarks>
/// <para>
/// Fields of 1 to 4 bytes are unsigned; an 8-byte field is signed, as in Netty. <c>maxFrameLength</c> limits the
/// whole frame, header included (so a payload carries at most <c>maxFrameLength - initialBytesToStrip</c> bytes).
/// </para>
/// <para>
/// A bad length is <see cref="DecodeStatus.Fatal"/> rather than skipped (Netty can skip a too-long frame): once a
/// length field is wrong there is no telling whether it is the frame or the stream that is corrupt, so the peer
/// must be closed. The check runs as soon as the header is buffered, without waiting for the body. A protocol whose
/// frames start with a sync marker can be read through <see cref="SyncMarkerFrameDecoder"/> instead, which checks the
/// marker and can skip to the next one.
/// </para>
/// </remarks>
public sealed class LengthFieldFrameDecoder : IFrameDecoder, IFrameEncoder
{
    private readonly int _lengthFieldOffset;
    private readonly int _lengthFieldLength;
    private readonly bool _bigEndian;
    private readonly long _lengthAdjustment;
    private readonly int _initialBytesToStrip;
    private readonly int _maxFrameLength;
    private readonly int _headerLength;

    public LengthFieldFrameDecoder(
        int lengthFieldOffset,
        int lengthFieldLength,
        bool bigEndian,
        long lengthAdjustment,
        int initialBytesToStrip,
        int maxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthFieldOffset);
        if (lengthFieldLength is not (1 or 2 or 3 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(
                nameof(lengthFieldLength), lengthFieldLength, "The length field must be 1, 2, 3, 4 or 8 bytes long.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(initialBytesToStrip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);

        long headerLength = (long)lengthFieldOffset + lengthFieldLength;
        if (headerLength > maxFrameLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxFrameLength), maxFrameLength,
                $"max-frame-length must hold at least the {headerLength} bytes up to the end of the length field.");
        }

        // Every frame must be at least initialBytesToStrip long, so a larger strip would make every frame fatal.
        if (initialBytesToStrip > maxFrameLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(initialBytesToStrip), initialBytesToStrip,
                $"Cannot strip more bytes than max-frame-length {maxFrameLength} allows in a frame.");
        }

        _lengthFieldOffset = lengthFieldOffset;
        _lengthFieldLength = lengthFieldLength;
        _bigEndian = bigEndian;
        _lengthAdjustment = lengthAdjustment;
        _initialBytesToStrip = initialBytesToStrip;
        _maxFrameLength = maxFrameLength;
        _headerLength = (int)headerLength;
    }

    /// <summary>The limit on the whole frame, header included (Netty's meaning).</summary>
    public int MaxFrameLength => _maxFrameLength;

    /// <summary>Bytes before the length field (where a sync marker lies).</summary>
    public int LengthFieldOffset => _lengthFieldOffset;

    /// <summary>Bytes up to the end of the length field: what must be buffered before a frame's length is known.</summary>
    public int HeaderLength => _headerLength;

    /// <summary>
    /// Whether <see cref="Encode"/> can produce frames: only when the decoder strips the whole header (and possibly
    /// bytes after it). With a smaller strip the payload handed out starts with header bytes, and no payload the
    /// caller chooses would come back unchanged.
    /// </summary>
    public bool CanEncode => _initialBytesToStrip >= _headerLength;

    public DecodeStatus Decode(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        if (buffer.Length < _headerLength)
        {
            frame = ReadOnlySequence<byte>.Empty;
            error = FrameError.None;
            return DecodeStatus.NeedMoreData;
        }

        ReadOnlySpan<byte> first = buffer.FirstSpan;
        long fieldValue = first.Length >= _headerLength
            ? ReadField(first.Slice(_lengthFieldOffset, _lengthFieldLength))
            : ReadFieldAcrossSegments(buffer);

        if (fieldValue < 0)
        {
            return Fatal(buffer, new FrameError(FrameErrorKind.NegativeLength, fieldValue, 0), out frame, out error);
        }

        // Int128 because an 8-byte field plus a positive adjustment can overflow a long.
        Int128 frameLength = (Int128)fieldValue + _lengthAdjustment + _headerLength;
        if (frameLength < 0)
        {
            return Fatal(buffer, new FrameError(FrameErrorKind.NegativeLength, (long)frameLength, 0), out frame, out error);
        }

        if (frameLength < _headerLength)
        {
            return Fatal(
                buffer, new FrameError(FrameErrorKind.LengthShorterThanHeader, (long)frameLength, _headerLength), out frame, out error);
        }

        if (frameLength > _maxFrameLength)
        {
            long reported = frameLength > long.MaxValue ? long.MaxValue : (long)frameLength;
            return Fatal(buffer, new FrameError(FrameErrorKind.FrameTooLong, reported, _maxFrameLength), out frame, out error);
        }

        int length = (int)frameLength;
        if (_initialBytesToStrip > length)
        {
            return Fatal(
                buffer, new FrameError(FrameErrorKind.LengthShorterThanHeader, length, _initialBytesToStrip), out frame, out error);
        }

        error = FrameError.None;
        if (buffer.Length < length)
        {
            frame = ReadOnlySequence<byte>.Empty;
            return DecodeStatus.NeedMoreData;
        }

        frame = buffer.Slice(_initialBytesToStrip, length - _initialBytesToStrip);
        buffer = buffer.Slice(frame.End);
        return DecodeStatus.Frame;
    }

    /// <summary>
    /// Fast path: a whole frame whose length passes every check is cut straight from the span; anything else
    /// (too few bytes, a bad length) takes the general path, which owns the error reporting.
    /// </summary>
    public DecodeStatus Decode(ReadOnlyMemory<byte> buffer, out int frameStart, out int frameLength, out int consumed, out FrameError error)
    {
        var span = buffer.Span;
        if (span.Length >= _headerLength)
        {
            var fieldValue = ReadField(span.Slice(_lengthFieldOffset, _lengthFieldLength));
            // In long: a field of at most int.MaxValue plus an int-range adjustment cannot overflow.
            if (fieldValue is >= 0 and <= int.MaxValue && _lengthAdjustment is >= int.MinValue and <= int.MaxValue)
            {
                var length = fieldValue + _lengthAdjustment + _headerLength;
                if (length >= _headerLength && length <= _maxFrameLength && _initialBytesToStrip <= length && span.Length >= length)
                {
                    error = default;
                    frameStart = _initialBytesToStrip;
                    frameLength = (int)length - _initialBytesToStrip;
                    consumed = (int)length;
                    return DecodeStatus.Frame;
                }
            }
        }
        return ContiguousDecoding.ViaSequence(this, buffer, out frameStart, out frameLength, out consumed, out error);
    }

    /// <summary>The bulk path: whole frames whose lengths pass every check, cut back to back.</summary>
    public int DecodeFrames(ReadOnlySpan<byte> buffer, Span<FrameSpan> frames, out int consumed)
    {
        var count = 0;
        var position = 0;
        if (_lengthAdjustment is >= int.MinValue and <= int.MaxValue)
        {
            while (count < frames.Length && buffer.Length - position >= _headerLength)
            {
                var fieldValue = ReadField(buffer.Slice(position + _lengthFieldOffset, _lengthFieldLength));
                if (fieldValue is < 0 or > int.MaxValue) break;
                var length = fieldValue + _lengthAdjustment + _headerLength;
                if (length < _headerLength || length > _maxFrameLength || _initialBytesToStrip > length || buffer.Length - position < length)
                    break;
                frames[count++] = new FrameSpan(position + _initialBytesToStrip, (int)length - _initialBytesToStrip);
                position += (int)length;
            }
        }
        consumed = position;
        return count;
    }

    /// <summary>Always false: after a lost prefix there is no way to tell a length field from payload bytes.</summary>
    public bool TryResynchronise(int lostBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lostBytes);
        return false;
    }

    /// <exception cref="InvalidOperationException">
    /// <see cref="CanEncode"/> is false (the decoder keeps some header bytes in the payload).
    /// </exception>
    public int GetEncodedLength(int payloadLength) => CheckEncodable(payloadLength, nameof(payloadLength), out _);

    /// <summary>
    /// Writes zeros for the header bytes before the length field and for any stripped bytes after it (this encoder
    /// knows nothing of what they mean), the length field, then the payload.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// <see cref="CanEncode"/> is false (the decoder keeps some header bytes in the payload).
    /// </exception>
    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int length = CheckEncodable(payload.Length, nameof(payload), out long fieldValue);
        if (destination.Length < length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} bytes but the framed payload needs {length}.", nameof(destination));
        }

        destination[.._lengthFieldOffset].Clear();
        WriteField(destination.Slice(_lengthFieldOffset, _lengthFieldLength), fieldValue);
        destination[_headerLength.._initialBytesToStrip].Clear();
        payload.CopyTo(destination[_initialBytesToStrip..]);
        return length;
    }

    private int CheckEncodable(int payloadLength, string paramName, out long fieldValue)
    {
        if (!CanEncode)
        {
            throw new InvalidOperationException(
                $"This length-field framing cannot encode: it strips {_initialBytesToStrip} bytes, fewer than the " +
                $"{_headerLength} header bytes, so decoded payloads start with header bytes the encoder would have to invent.");
        }

        if (payloadLength < 0)
        {
            throw new ArgumentException($"A payload cannot be {payloadLength} bytes long.", paramName);
        }

        long frameLength = (long)_initialBytesToStrip + payloadLength;
        if (frameLength > _maxFrameLength)
        {
            throw new ArgumentException(
                $"A payload of {payloadLength} bytes makes a frame of {frameLength} bytes, over max-frame-length {_maxFrameLength}.",
                paramName);
        }

        Int128 value = (Int128)frameLength - _lengthAdjustment - _headerLength;
        Int128 largest = _lengthFieldLength == 8 ? long.MaxValue : (1L << (8 * _lengthFieldLength)) - 1;
        if (value < 0 || value > largest)
        {
            throw new ArgumentException(
                $"A payload of {payloadLength} bytes needs a length field of {value}, outside the 0..{largest} " +
                $"a {_lengthFieldLength}-byte field holds.",
                paramName);
        }

        fieldValue = (long)value;
        return (int)frameLength;
    }

    private long ReadFieldAcrossSegments(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> field = stackalloc byte[8];
        field = field[.._lengthFieldLength];
        buffer.Slice(_lengthFieldOffset, _lengthFieldLength).CopyTo(field);
        return ReadField(field);
    }

    private long ReadField(ReadOnlySpan<byte> field) => _lengthFieldLength switch
    {
        1 => field[0],
        2 => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(field) : BinaryPrimitives.ReadUInt16LittleEndian(field),
        3 => _bigEndian
            ? (field[0] << 16) | (field[1] << 8) | field[2]
            : (field[2] << 16) | (field[1] << 8) | field[0],
        4 => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field),
        _ => _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(field) : BinaryPrimitives.ReadInt64LittleEndian(field),
    };

    private void WriteField(Span<byte> field, long value)
    {
        switch (_lengthFieldLength)
        {
            case 1:
                field[0] = (byte)value;
                break;
            case 2:
                if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value);
                else BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value);
                break;
            case 3:
                field[_bigEndian ? 0 : 2] = (byte)(value >> 16);
                field[1] = (byte)(value >> 8);
                field[_bigEndian ? 2 : 0] = (byte)value;
                break;
            case 4:
                if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(field, (uint)value);
                else BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)value);
                break;
            default:
                if (_bigEndian) BinaryPrimitives.WriteInt64BigEndian(field, value);
                else BinaryPrimitives.WriteInt64LittleEndian(field, value);
                break;
        }
    }

    private DecodeStatus Fatal(
        in ReadOnlySequence<byte> buffer, FrameError reason, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        frame = buffer.Slice(0, _headerLength);
        error = reason;
        return DecodeStatus.Fatal;
    }
}
