using System.Buffers.Binary;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>One frame boundary ActorNet must find in a connection's stream.</summary>
/// <param name="Offset">Where the frame's payload starts in the stream.</param>
/// <param name="Length">Its length; for a rejected frame, the bytes the framing threw away.</param>
/// <param name="FramingError">Null when the framing accepts the frame and the parser decides; otherwise why the framing rejects it.</param>
public readonly record struct CutFrame(int Offset, int Length, string? FramingError);

/// <summary>
/// The framing contract of reference.conf written out as a plain loop over a whole connection's bytes, with no
/// reads, buffers or state machines: the fuzz runner's model of what ActorNet's decoders must do with any stream,
/// however its reads fall. Raw framing has no boundaries of its own (chunks follow reads), so it has no cuts here.
/// </summary>
public static class ReferenceCutter
{
    /// <param name="stream">Everything the peer sends on one connection, then closes.</param>
    /// <param name="sent">How much of <paramref name="stream"/> to send: after a fatal length field ActorNet closes
    /// the peer and drops whatever follows, so the generator stops right after that header.</param>
    public static List<CutFrame> Cut(FuzzShape shape, byte[] stream, out int sent)
    {
        sent = stream.Length;
        return shape.Framing switch
        {
            FuzzFraming.Delimiter => Delimited(shape, stream),
            FuzzFraming.LengthField => LengthField(shape, stream, out sent),
            FuzzFraming.LengthFieldResync => Resynchronising(shape, stream),
            FuzzFraming.Fixed => Fixed(stream),
            _ => [],
        };
    }

    /// <summary>
    /// Split at each delimiter; a payload longer than max-frame-length is rejected (once, up to its delimiter); bytes
    /// after the last delimiter are rejected as truncated when the peer closes.
    /// </summary>
    private static List<CutFrame> Delimited(FuzzShape shape, byte[] stream)
    {
        var frames = new List<CutFrame>();
        int start = 0;
        while (start < stream.Length)
        {
            int end = Array.IndexOf(stream, FuzzShape.Delimiter, start);
            if (end < 0)
            {
                frames.Add(new CutFrame(start, stream.Length - start, "truncated"));
                break;
            }

            int length = end - start;
            frames.Add(new CutFrame(start, length, length > shape.MaxFrameLength ? "frame-too-long" : null));
            start = end + 1;
        }

        return frames;
    }

    /// <summary>
    /// A 4-byte big-endian payload length, then the payload. A frame longer than max-frame-length (header included)
    /// is fatal: its header is rejected and the peer closed. A frame the peer closes inside is rejected as truncated.
    /// </summary>
    private static List<CutFrame> LengthField(FuzzShape shape, byte[] stream, out int sent)
    {
        var frames = new List<CutFrame>();
        int position = 0;
        sent = stream.Length;
        while (position < stream.Length)
        {
            int left = stream.Length - position;
            if (left < FuzzShape.HeaderLength)
            {
                frames.Add(new CutFrame(position, left, "truncated"));
                break;
            }

            long frameLength = (long)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(position)) + FuzzShape.HeaderLength;
            if (frameLength > shape.MaxFrameLength)
            {
                frames.Add(new CutFrame(position, FuzzShape.HeaderLength, "frame-too-long"));
                sent = position + FuzzShape.HeaderLength;
                break;
            }

            if (left < frameLength)
            {
                frames.Add(new CutFrame(position, left, "truncated"));
                break;
            }

            frames.Add(new CutFrame(position + FuzzShape.HeaderLength, (int)frameLength - FuzzShape.HeaderLength, null));
            position += (int)frameLength;
        }

        return frames;
    }

    /// <summary>
    /// Every frame starts with the sync marker and a 2-byte length. A start without the marker, or with a length over
    /// max-frame-length, is skipped with everything up to the next marker that is followed by a whole valid header,
    /// as one rejected stretch; a stretch or frame the peer closes inside is rejected once.
    /// </summary>
    private static List<CutFrame> Resynchronising(FuzzShape shape, byte[] stream)
    {
        var frames = new List<CutFrame>();
        int position = 0;
        while (position < stream.Length)
        {
            int left = stream.Length - position;
            if (left < FuzzShape.HeaderLength)
            {
                frames.Add(new CutFrame(position, left, "truncated"));
                break;
            }

            if (ValidStart(shape, stream, position))
            {
                int frameLength = FuzzShape.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(position + shape.LengthFieldOffset));
                if (left < frameLength)
                {
                    frames.Add(new CutFrame(position, left, "truncated"));
                    break;
                }

                frames.Add(new CutFrame(position + FuzzShape.HeaderLength, frameLength - FuzzShape.HeaderLength, null));
                position += frameLength;
                continue;
            }

            int next = position + 1;
            while (next <= stream.Length - FuzzShape.HeaderLength && !ValidStart(shape, stream, next)) next++;
            if (next > stream.Length - FuzzShape.HeaderLength) next = stream.Length;
            frames.Add(new CutFrame(position, next - position, "bad-start"));
            position = next;
        }

        return frames;
    }

    /// <summary>The sync marker and a length within max-frame-length, both whole, at <paramref name="at"/>.</summary>
    private static bool ValidStart(FuzzShape shape, byte[] stream, int at) =>
        stream.Length - at >= FuzzShape.HeaderLength
        && stream.AsSpan(at).StartsWith(FuzzShape.SyncMarker)
        && FuzzShape.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(at + shape.LengthFieldOffset)) <= shape.MaxFrameLength;

    /// <summary>Every frame-length bytes a frame; a shorter rest when the peer closes is rejected as truncated.</summary>
    private static List<CutFrame> Fixed(byte[] stream)
    {
        var frames = new List<CutFrame>();
        for (int position = 0; position < stream.Length; position += FuzzShape.FixedFrameLength)
        {
            int length = Math.Min(FuzzShape.FixedFrameLength, stream.Length - position);
            frames.Add(new CutFrame(position, length, length < FuzzShape.FixedFrameLength ? "truncated" : null));
        }

        return frames;
    }
}
