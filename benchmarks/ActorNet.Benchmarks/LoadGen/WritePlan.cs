namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Cuts a stream into socket writes of random size, so that frames are split across writes and many frames are
/// coalesced into one. Sizes are log-uniform over 1 .. max (median about 256 bytes for a 64 KiB max, mean about
/// 6 KiB): tiny writes that split headers and payloads are common, while most bytes travel in large writes, which
/// keeps the generator cheap.
/// </summary>
public static class WritePlan
{
    /// <summary>Returns the end offset of each write; the last one is <paramref name="length"/>.</summary>
    public static int[] Split(int length, int maxWriteSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWriteSize, 1);
        var ends = new List<int>(length / 4096 + 1);
        double logRange = Math.Log(maxWriteSize + 1.0);
        int position = 0;
        while (position < length)
        {
            int size = Math.Clamp((int)Math.Exp(random.NextDouble() * logRange), 1, maxWriteSize);
            position = (int)Math.Min((long)position + size, length);
            ends.Add(position);
        }

        return ends.ToArray();
    }
}
