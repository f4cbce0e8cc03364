using System.Buffers;
using ActorNet.Framing;

namespace ActorNet.Benchmarks.Decoders;

/// <summary>
/// The input every decoder benchmark decodes: a 64 KiB read buffer filled with whole 100-byte frames, as one segment
/// (the connection actor's read buffer) or as 4 KiB segments (what a pipe reader hands out).
/// </summary>
internal static class DecoderBenchmarkInput
{
    public const int FrameSize = 100;

    /// <summary>Whole frames that fit 64 KiB; the benchmarks report per frame through OperationsPerInvoke.</summary>
    public const int FrameCount = 64 * 1024 / FrameSize;

    private const int SegmentSize = 4096;

    /// <summary>Encodes <see cref="FrameCount"/> payloads that <paramref name="encoder"/> turns into 100-byte frames.</summary>
    public static ReadOnlySequence<byte> Build(IFrameEncoder encoder, int payloadLength, bool multiSegment)
    {
        int frameSize = encoder.GetEncodedLength(payloadLength);
        if (frameSize != FrameSize)
        {
            throw new InvalidOperationException($"A {payloadLength}-byte payload encodes to {frameSize} bytes, not {FrameSize}.");
        }

        var stream = new byte[FrameCount * FrameSize];
        byte[] payload = new byte[payloadLength];
        payload.AsSpan().Fill((byte)'p');
        for (int i = 0; i < FrameCount; i++)
        {
            encoder.Encode(payload, stream.AsSpan(i * FrameSize, FrameSize));
        }

        return multiSegment ? Segmented(stream) : new ReadOnlySequence<byte>(stream);
    }

    /// <summary>Decodes the whole buffer; returns the payload bytes seen so that the work cannot be optimised away.</summary>
    public static long DecodeAll(IFrameDecoder decoder, ReadOnlySequence<byte> input)
    {
        ReadOnlySequence<byte> buffer = input;
        long payloadBytes = 0;
        while (decoder.Decode(ref buffer, out ReadOnlySequence<byte> frame, out _) == DecodeStatus.Frame)
        {
            payloadBytes += frame.Length;
        }

        return payloadBytes;
    }

    /// <summary>Fails the setup, rather than reporting a fast but wrong benchmark, if the decoder misses frames.</summary>
    public static void Verify(IFrameDecoder decoder, ReadOnlySequence<byte> input, int payloadLength)
    {
        long seen = DecodeAll(decoder, input);
        if (seen != (long)FrameCount * payloadLength)
        {
            throw new InvalidOperationException($"Decoded {seen} payload bytes, expected {FrameCount * payloadLength}.");
        }
    }

    private static ReadOnlySequence<byte> Segmented(byte[] stream)
    {
        var first = new Segment(stream.AsMemory(0, Math.Min(SegmentSize, stream.Length)), 0);
        Segment last = first;
        for (int start = SegmentSize; start < stream.Length; start += SegmentSize)
        {
            last = last.Append(stream.AsMemory(start, Math.Min(SegmentSize, stream.Length - start)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
