namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Cuts a stream into socket writes of random size, so that frames are split across writes and many frames are
/// coalesced into one. Sizes are log-uniform over 1 .. max (median about 256 bytes for a 64 KiB max, mean about
/// 6 KiB): tiny writes that split headers and payloads are common, while most bytes travel in large writes, which
/// keeps the generator cheap. A minimum above 1 draws from min .. max instead: with min = max every write is that size
/// (through TLS, 64 KiB writes make full 16 KiB records, where the default sizes make one record per write, most of
/// them small, which costs the sender and the receiver per record).
/// </summary>
public static class WritePlan
{
    /// <summary>Returns the end offset of each write; the last one is <paramref name="length"/>.</summary>
    public static int[] Split(int length, int maxWriteSize, Random random, int minWriteSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minWriteSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWriteSize, minWriteSize);
        var ends = new List<int>(length / 4096 + 1);
        // With the minimum at 1, log(1) = 0: the same sizes, from the same seed, as before there was a minimum.
        double logMin = Math.Log(minWriteSize);
        double logRange = Math.Log(maxWriteSize + 1.0) - logMin;
        int position = 0;
        while (position < length)
        {
            int size = Math.Clamp((int)Math.Exp(logMin + random.NextDouble() * logRange), minWriteSize, maxWriteSize);
            position = (int)Math.Min((long)position + size, length);
            ends.Add(position);
        }

        return ends.ToArray();
    }
}
