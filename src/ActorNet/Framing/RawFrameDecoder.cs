using System.Buffers;

namespace ActorNet.Framing;

/// <summary>
/// No framing: whatever bytes are buffered form a frame, cut into chunks of at most <c>maxFrameLength</c>. Chunk
/// boundaries follow reads, not meaning, so a parser behind it must not assume a chunk is a whole message.
/// </summary>
public sealed class RawFrameDecoder : IFrameDecoder, IFrameEncoder
{
    private readonly int _maxFrameLength;

    public RawFrameDecoder(int maxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);
        _maxFrameLength = maxFrameLength;
    }

    public int MaxFrameLength => _maxFrameLength;

    public DecodeStatus Decode(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        error = FrameError.None;
        if (buffer.IsEmpty)
        {
            frame = ReadOnlySequence<byte>.Empty;
            return DecodeStatus.NeedMoreData;
        }

        frame = buffer.Length <= _maxFrameLength ? buffer : buffer.Slice(0, _maxFrameLength);
        buffer = buffer.Slice(frame.End);
        return DecodeStatus.Frame;
    }

    /// <summary>Always true and skips nothing: every byte is a frame boundary.</summary>
    public bool TryResynchronise(int lostBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lostBytes);
        return true;
    }

    public int GetEncodedLength(int payloadLength)
    {
        if (payloadLength < 0)
        {
            throw new ArgumentException($"A payload cannot be {payloadLength} bytes long.", nameof(payloadLength));
        }

        return payloadLength;
    }

    /// <remarks>
    /// Not limited to max-frame-length: a longer payload reaches the peer's decoder as several chunks, and chunks
    /// are all raw framing ever promised.
    /// </remarks>
    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (destination.Length < payload.Length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} bytes but the payload needs {payload.Length}.", nameof(destination));
        }

        payload.CopyTo(destination);
        return payload.Length;
    }
}
