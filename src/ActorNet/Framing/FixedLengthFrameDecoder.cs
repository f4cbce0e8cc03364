using System.Buffers;

namespace ActorNet.Framing;

/// <summary>Every <c>frameLength</c> bytes form a frame; there is no header and no delimiter.</summary>
public sealed class FixedLengthFrameDecoder : IFrameDecoder, IFrameEncoder
{
    private readonly int _frameLength;

    // Resynchronisation state: bytes still to skip, the whole skip, and the loss that caused it.
    private int _toSkip;
    private int _skipLength;
    private int _lostBytes;

    public FixedLengthFrameDecoder(int frameLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameLength);
        _frameLength = frameLength;
    }

    public int MaxFrameLength => _frameLength;

    public DecodeStatus Decode(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out FrameError error)
    {
        error = FrameError.None;

        if (_toSkip > 0)
        {
            if (buffer.IsEmpty)
            {
                frame = ReadOnlySequence<byte>.Empty;
                return DecodeStatus.NeedMoreData;
            }

            int skip = (int)Math.Min(_toSkip, buffer.Length);
            frame = buffer.Slice(0, skip);
            buffer = buffer.Slice(frame.End);
            _toSkip -= skip;
            if (_toSkip > 0)
            {
                return DecodeStatus.Discarding;
            }

            error = new FrameError(FrameErrorKind.Resynchronised, _skipLength, _lostBytes);
            return DecodeStatus.Rejected;
        }

        if (buffer.Length < _frameLength)
        {
            frame = ReadOnlySequence<byte>.Empty;
            return DecodeStatus.NeedMoreData;
        }

        frame = buffer.Slice(0, _frameLength);
        buffer = buffer.Slice(frame.End);
        return DecodeStatus.Frame;
    }

    /// <remarks>
    /// Skips the rest of the frame the lost bytes started, i.e. up to the next multiple of the frame length. When the
    /// loss was a whole number of frames there is nothing to skip and nothing is reported.
    /// </remarks>
    public bool TryResynchronise(int lostBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lostBytes);
        _toSkip = (_frameLength - lostBytes % _frameLength) % _frameLength;
        _skipLength = _toSkip;
        _lostBytes = lostBytes;
        return true;
    }

    public int GetEncodedLength(int payloadLength)
    {
        CheckPayloadLength(payloadLength, nameof(payloadLength));
        return _frameLength;
    }

    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        CheckPayloadLength(payload.Length, nameof(payload));
        if (destination.Length < _frameLength)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} bytes but a frame needs {_frameLength}.", nameof(destination));
        }

        payload.CopyTo(destination);
        return _frameLength;
    }

    private void CheckPayloadLength(int payloadLength, string paramName)
    {
        if (payloadLength != _frameLength)
        {
            throw new ArgumentException(
                $"A payload of {payloadLength} bytes cannot be framed: every frame is exactly {_frameLength} bytes.", paramName);
        }
    }
}
