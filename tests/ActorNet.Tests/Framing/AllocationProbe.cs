using System.Buffers;
using ActorNet.Framing;

namespace ActorNet.Tests.Framing;

/// <summary>Measures what decoding a whole buffer allocates on this thread.</summary>
internal static class AllocationProbe
{
    /// <summary>
    /// Decodes <paramref name="stream"/> twice (the first run warms up JIT and statics) and returns the frames the
    /// second run found.
    /// </summary>
    public static int DecodeAll(IFrameDecoder decoder, byte[] stream, out long allocatedBytes) =>
        DecodeAll(decoder, new ReadOnlySequence<byte>(stream), out allocatedBytes);

    /// <inheritdoc cref="DecodeAll(IFrameDecoder, byte[], out long)"/>
    public static int DecodeAll(IFrameDecoder decoder, ReadOnlySequence<byte> stream, out long allocatedBytes)
    {
        DecodeFrames(decoder, stream);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int frames = DecodeFrames(decoder, stream);
        allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
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
