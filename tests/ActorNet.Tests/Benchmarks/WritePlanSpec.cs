using ActorNet.Benchmarks.LoadGen;
using Xunit;

namespace ActorNet.Tests.Benchmarks;

/// <summary>The load generator's write sizes: between the minimum and the maximum, covering the stream exactly.</summary>
public sealed class WritePlanSpec
{
    private static int[] Sizes(int[] ends) => ends.Select((end, i) => end - (i == 0 ? 0 : ends[i - 1])).ToArray();

    [Fact]
    public void Writes_cover_the_stream_and_stay_within_one_and_the_maximum()
    {
        var ends = WritePlan.Split(1_000_000, 64 * 1024, new Random(7));

        Assert.Equal(1_000_000, ends[^1]);
        Assert.All(Sizes(ends), size => Assert.InRange(size, 1, 64 * 1024));
        // Log-uniform from 1: small writes are common (they split frames), so this plan has some.
        Assert.Contains(Sizes(ends), size => size < 256);
    }

    [Fact]
    public void A_minimum_equal_to_the_maximum_makes_every_write_but_the_last_that_size()
    {
        var ends = WritePlan.Split(1_000_000, 64 * 1024, new Random(7), minWriteSize: 64 * 1024);
        var sizes = Sizes(ends);

        Assert.Equal(1_000_000, ends[^1]);
        Assert.All(sizes[..^1], size => Assert.Equal(64 * 1024, size));
        Assert.Equal(1_000_000 % (64 * 1024), sizes[^1]);
    }

    [Fact]
    public void A_minimum_of_one_gives_the_sizes_the_plan_gave_before_it_had_a_minimum()
    {
        // The sizes from seed 7 as drawn by the plan without a minimum: exp(u * log(max + 1)), clamped.
        var random = new Random(7);
        var expected = new List<int>();
        for (var position = 0; position < 200_000;)
        {
            var size = Math.Clamp((int)Math.Exp(random.NextDouble() * Math.Log(64 * 1024 + 1.0)), 1, 64 * 1024);
            position = Math.Min(position + size, 200_000);
            expected.Add(position);
        }

        Assert.Equal(expected, WritePlan.Split(200_000, 64 * 1024, new Random(7)));
    }
}
