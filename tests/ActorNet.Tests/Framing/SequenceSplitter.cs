using System.Buffers;

namespace ActorNet.Tests.Framing;

/// <summary>Builds <see cref="ReadOnlySequence{T}"/>s of several segments, the shape a pipe reader hands out.</summary>
internal static class SequenceSplitter
{
    /// <summary>One segment per chunk, empty chunks included (pipes can produce empty segments).</summary>
    public static ReadOnlySequence<byte> FromChunks(params byte[][] chunks)
    {
        if (chunks.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0], 0);
        Segment last = first;
        for (int i = 1; i < chunks.Length; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="data"/> before each of <paramref name="cuts"/> (ascending offsets).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, params int[] cuts) => FromChunks(Chunks(data, cuts));

    /// <summary>The pieces of <paramref name="data"/> between the cut offsets (duplicates give empty pieces).</summary>
    public static byte[][] Chunks(ReadOnlySpan<byte> data, IReadOnlyList<int> cuts)
    {
        var chunks = new byte[cuts.Count + 1][];
        int start = 0;
        for (int i = 0; i < cuts.Count; i++)
        {
            chunks[i] = data[start..cuts[i]].ToArray();
            start = cuts[i];
        }

        chunks[^1] = data[start..].ToArray();
        return chunks;
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
