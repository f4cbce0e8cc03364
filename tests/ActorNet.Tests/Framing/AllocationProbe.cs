using System.Buffers;
using ActorNet.Framing;

namespace ActorNet.Tests.Framing;

/// <summary>Measures what decoding a whole buffer allocates on this thread.</summary>
internal static class AllocationProbe
{
    /// <summary>
    /// Decodes <paramref name="stream"/> once to warm up JIT and statics, then up to five more times, and reports
    /// the least any of those runs allocated: tiered JIT may install a new method version on this thread during
    /// one run (a one-off allocation), whereas a per-frame allocation shows up in every run.
    /// </summary>
    public static int DecodeAll(IFrameDecoder decoder, byte[] stream, out long allocatedBytes) =>
        DecodeAll(decoder, new ReadOnlySequence<byte>(stream), out allocatedBytes);

    /// <inheritdoc cref="DecodeAll(IFrameDecoder, byte[], out long)"/>
    public static int DecodeAll(IFrameDecoder decoder, ReadOnlySequence<byte> stream, out long allocatedBytes)
    {
        DecodeFrames(decoder, stream);
        int frames = 0;
        allocatedBytes = long.MaxValue;
        for (int run = 0; run < 5 && allocatedBytes > 0; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            frames = DecodeFrames(decoder, stream);
            allocatedBytes = Math.Min(allocatedBytes, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return frames;
    }

    private static int DecodeFrames(IFrameDecoder decoder, ReadOnlySequence<byte> stream)
    {
        ReadOnlySequence<byte> buffer = stream;
        int frames = 0;
        while (decoder.Decode(ref buffer, out _, out _) == DecodeStatus.Frame)
        {
            frames++;
        }

        return frames;
    }
}
