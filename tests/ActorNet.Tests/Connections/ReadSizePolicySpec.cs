using System.Numerics;
using ActorNet.Connections;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class ReadSizePolicySpec
{
    [Fact]
    public void Starts_at_the_minimum_rounded_up_to_a_power_of_two()
    {
        var sizes = new ReadSizePolicy(min: 1000, max: 64 * 1024);

        Assert.Equal(1024, sizes.Size);
        Assert.Equal(1024, sizes.Min);
        Assert.Equal(64 * 1024, sizes.Max);
    }

    [Fact]
    public void A_minimum_above_the_maximum_gives_a_fixed_size()
    {
        var sizes = new ReadSizePolicy(min: 8192, max: 4096);

        sizes.Record(received: 4096, offered: 4096);
        sizes.Record(received: 1, offered: 4096);
        sizes.Record(received: 1, offered: 4096);

        Assert.Equal(4096, sizes.Size);
    }

    [Fact]
    public void Reads_that_fill_their_buffer_grow_the_size_eightfold_up_to_the_maximum()
    {
        var sizes = new ReadSizePolicy(min: 1024, max: 64 * 1024);
        var seen = new List<int>();

        for (var i = 0; i < 10; i++)
        {
            sizes.Record(received: sizes.Size, offered: sizes.Size);
            seen.Add(sizes.Size);
        }

        Assert.Equal([8192, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536], seen);
    }

    [Fact]
    public void A_read_that_fills_a_partial_frames_smaller_room_grows_the_size_too()
    {
        var sizes = new ReadSizePolicy(min: 1024, max: 64 * 1024);

        sizes.Record(received: 700, offered: 700);

        Assert.Equal(8192, sizes.Size);
    }

    [Fact]
    public void One_short_read_does_not_shrink_the_size_two_in_a_row_halve_it()
    {
        var sizes = Grown(to: 64 * 1024);

        sizes.Record(received: 100, offered: 64 * 1024);
        Assert.Equal(64 * 1024, sizes.Size);
        sizes.Record(received: 100, offered: 64 * 1024);
        Assert.Equal(32 * 1024, sizes.Size);
    }

    [Fact]
    public void A_read_over_half_the_size_between_two_short_ones_keeps_the_size()
    {
        var sizes = Grown(to: 64 * 1024);

        sizes.Record(received: 100, offered: 64 * 1024);
        sizes.Record(received: 40_000, offered: 64 * 1024);
        sizes.Record(received: 100, offered: 64 * 1024);

        Assert.Equal(64 * 1024, sizes.Size);
    }

    [Fact]
    public void A_peer_sending_small_lines_settles_at_the_minimum()
    {
        var sizes = Grown(to: 64 * 1024);

        for (var i = 0; i < 20; i++) sizes.Record(received: 101, offered: sizes.Size);

        Assert.Equal(1024, sizes.Size);
    }

    [Property(MaxTest = 300)]
    public Property Whatever_the_reads_the_size_is_a_power_of_two_within_min_and_max()
    {
        var scenarios =
            from min in Gen.Choose(1, 70_000)
            from max in Gen.Choose(1, 1 << 20)
            from reads in Gen.ListOf(Gen.Choose(0, 1 << 21))
            select (Min: min, Max: max, Reads: reads.ToArray());

        return Prop.ForAll(scenarios.ToArbitrary(), s =>
        {
            var sizes = new ReadSizePolicy(s.Min, s.Max);
            foreach (var read in s.Reads)
            {
                var before = sizes.Size;
                var offered = before;
                var received = Math.Min(read, offered);
                sizes.Record(received, offered);

                Assert.True(BitOperations.IsPow2(sizes.Size), $"{sizes.Size} is not a power of two");
                Assert.InRange(sizes.Size, sizes.Min, sizes.Max);
                Assert.InRange(sizes.Min, 1, (int)BitOperations.RoundUpToPowerOf2((uint)s.Max));
                if (received == offered && received > 0) Assert.Equal(Math.Min(sizes.Max, before * ReadSizePolicy.Growth), sizes.Size);
                else if (received > before / 2) Assert.Equal(before, sizes.Size);
                else Assert.True(sizes.Size == before || sizes.Size == Math.Max(sizes.Min, before / 2));
            }
        });
    }

    private static ReadSizePolicy Grown(int to)
    {
        var sizes = new ReadSizePolicy(min: 1024, max: to);
        while (sizes.Size < to) sizes.Record(received: sizes.Size, offered: sizes.Size);
        return sizes;
    }
}
