using System.Numerics;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// Counts non-negative values (nanoseconds here) in log-linear buckets, as HdrHistogram does with 2 significant
/// digits: values below 128 have a bucket each; above, every power of two is cut into 64 equal buckets, so a
/// bucket is never wider than 1/64 of its lower bound and a percentile read from it is at most 1.6 % high.
/// All memory is allocated by the constructor: <see cref="Record"/> only increments. Not thread-safe: one writer
/// (the sink, which ActorNet calls from one actor at a time); read it after the writer has stopped.
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearBuckets = 128;
    private const int SubBuckets = 64;
    private const int SubBucketBits = 6;

    // The shift of the highest value (long.MaxValue, bit 62) is 62 - 6 = 56, so 56 groups above the linear part.
    private readonly long[] _counts = new long[LinearBuckets + (56 * SubBuckets)];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public void Record(long value) => Record(value, 1);

    /// <summary>Adds <paramref name="count"/> occurrences of <paramref name="value"/> (negative values count as 0).</summary>
    public void Record(long value, long count)
    {
        value = Math.Max(0, value);
        _counts[IndexOf(value)] += count;
        Count += count;
        Max = Math.Max(Max, value);
        Min = Math.Min(Min, value);
    }

    /// <summary>
    /// The smallest recorded value such that at least <paramref name="percentile"/> % of all values are at or
    /// below it, read as the upper bound of its bucket (never above <see cref="Max"/>); 0 when empty.
    /// </summary>
    public long Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100.0);
        if (Count == 0)
        {
            return 0;
        }

        // Rounded before the ceiling: 99.9 % of 1,000 is 999.0000000000001 in doubles, which would read the 1,000th.
        long rank = Math.Max(1, (long)Math.Ceiling(Math.Round(percentile / 100.0 * Count, 6)));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }

        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < LinearBuckets)
        {
            return (int)value;
        }

        // value >> shift lands in [64, 128): the top 7 bits of the value pick the bucket.
        int shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - SubBucketBits;
        return LinearBuckets + ((shift - 1) * SubBuckets) + (int)((value >> shift) - SubBuckets);
    }

    internal static long UpperBound(int index)
    {
        if (index < LinearBuckets)
        {
            return index;
        }

        int group = index - LinearBuckets;
        int shift = (group / SubBuckets) + 1;
        long sub = (group % SubBuckets) + SubBuckets;
        return sub + 1 == 2 * SubBuckets && shift == 56 ? long.MaxValue : ((sub + 1) << shift) - 1;
    }
}
