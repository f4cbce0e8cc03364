using ActorNet.Benchmarks.Latency;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Benchmarks;

public sealed class LatencyHistogramSpec
{
    [Fact]
    public void Reads_exact_percentiles_of_small_values()
    {
        var histogram = new LatencyHistogram();
        for (long v = 1; v <= 100; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(50, histogram.Percentile(50));
        Assert.Equal(99, histogram.Percentile(99));
        Assert.Equal(100, histogram.Percentile(99.9));
        Assert.Equal(100, histogram.Percentile(100));
        Assert.Equal(1, histogram.Percentile(0));
        Assert.Equal(100, histogram.Count);
    }

    [Fact]
    public void Reads_percentiles_of_a_million_values_within_a_sixty_fourth()
    {
        var histogram = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v++)
        {
            histogram.Record(v * 1000);
        }

        AssertWithin(500_000_000, histogram.Percentile(50));
        AssertWithin(990_000_000, histogram.Percentile(99));
        AssertWithin(999_000_000, histogram.Percentile(99.9));
        Assert.Equal(1_000_000_000, histogram.Percentile(100));
        Assert.Equal(1_000_000_000, histogram.Max);
    }

    [Fact]
    public void Weights_a_value_recorded_with_a_count()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(10, 999);
        histogram.Record(5_000_000, 1);

        Assert.Equal(10, histogram.Percentile(99.9));
        AssertWithin(5_000_000, histogram.Percentile(99.95));
        Assert.Equal(1000, histogram.Count);
    }

    [Fact]
    public void Reads_zero_from_an_empty_histogram_and_counts_negative_values_as_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(99));

        histogram.Record(-5);
        Assert.Equal(0, histogram.Percentile(50));
        Assert.Equal(0, histogram.Max);
    }

    [Fact]
    public void Holds_the_largest_long()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(long.MaxValue);
        Assert.Equal(long.MaxValue, histogram.Percentile(50));
    }

    [Property]
    public void Puts_every_value_in_a_bucket_that_holds_it_and_is_at_most_a_sixty_fourth_wide(long value)
    {
        value = Math.Abs(value == long.MinValue ? 0 : value);
        int index = LatencyHistogram.IndexOf(value);
        long upper = LatencyHistogram.UpperBound(index);
        long lower = index == 0 ? 0 : LatencyHistogram.UpperBound(index - 1) + 1;

        Assert.InRange(value, lower, upper);
        Assert.True(upper - lower <= Math.Max(0, lower / 64), $"bucket {index} is [{lower}, {upper}]");
    }

    private static void AssertWithin(long expected, long actual) =>
        Assert.InRange(actual, expected, expected + (expected / 64));
}
