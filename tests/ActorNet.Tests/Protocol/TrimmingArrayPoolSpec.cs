using ActorNet.Protocol;
using Xunit;

namespace ActorNet.Tests.Protocol;

public sealed class TrimmingArrayPoolSpec
{
    [Fact]
    public void Rents_the_next_power_of_two_and_hands_a_returned_array_out_again()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 4);
        var first = pool.Rent(1000);
        Assert.Equal(1024, first.Length);
        pool.Return(first);
        Assert.Same(first, pool.Rent(600));
        Assert.Equal(16, pool.Rent(1).Length);
        Assert.Empty(pool.Rent(0));
    }

    [Fact]
    public void Arrays_longer_than_the_largest_bucket_are_allocated_and_not_kept()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024, maxArraysPerBucket: 4);
        var large = pool.Rent(5000);
        Assert.Equal(5000, large.Length);
        pool.Return(large);
        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void A_bucket_keeps_at_most_max_arrays_per_bucket()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024, maxArraysPerBucket: 2);
        var rented = Enumerable.Range(0, 5).Select(_ => pool.Rent(1024)).ToList();
        rented.ForEach(a => pool.Return(a));
        Assert.Equal(2 * 1024, pool.PooledBytes);
    }

    [Fact]
    public void Outstanding_counts_the_arrays_rented_and_not_returned_whether_kept_or_dropped_when_back()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024, maxArraysPerBucket: 1);
        var rented = Enumerable.Range(0, 3).Select(_ => pool.Rent(100)).Append(pool.Rent(1024)).ToList();
        Assert.Equal(4, pool.Outstanding);
        pool.Return(rented[0]);
        // Back, though the full bucket lets it go.
        pool.Return(rented[1]);
        Assert.Equal(2, pool.Outstanding);
        // Not one of the pool's sizes: never counted.
        pool.Rent(5000);
        Assert.Equal(2, pool.Outstanding);
    }

    [Fact]
    public void After_a_burst_everything_goes_within_two_trims_without_use()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 1024);
        var burst = Enumerable.Range(0, 500).Select(_ => pool.Rent(64 * 1024)).ToList();
        burst.ForEach(a => pool.Return(a));
        Assert.Equal(500L * 64 * 1024, pool.PooledBytes);

        // The burst happened since the last trim: the bucket was empty at its start, so nothing was idle throughout.
        Assert.Equal(0, pool.Trim());
        Assert.Equal(500L * 64 * 1024, pool.Trim());
        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void A_steady_load_keeps_every_array_it_uses_and_allocates_nothing()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 1024);
        var working = Enumerable.Range(0, 8).Select(_ => pool.Rent(64 * 1024)).ToList();
        working.ForEach(a => pool.Return(a));
        var known = working.ToHashSet(ReferenceEqualityComparer.Instance);
        pool.Trim();

        for (var interval = 0; interval < 5; interval++)
        {
            // Eight peers read at once, over and over: the pool runs dry at each peak.
            for (var round = 0; round < 100; round++)
            {
                var rented = Enumerable.Range(0, 8).Select(_ => pool.Rent(64 * 1024)).ToList();
                Assert.All(rented, a => Assert.Contains(a, known));
                rented.ForEach(a => pool.Return(a));
            }
            Assert.Equal(0, pool.Trim());
        }
        Assert.Equal(8L * 64 * 1024, pool.PooledBytes);
    }

    [Fact]
    public void When_load_falls_only_the_surplus_goes_the_longest_idle_first()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 1024, maxArraysPerBucket: 64);
        var all = Enumerable.Range(0, 10).Select(_ => pool.Rent(1024)).ToList();
        all.ForEach(a => pool.Return(a));
        pool.Trim();

        // Now two at a time: eight of the ten are never needed until the next trim.
        for (var round = 0; round < 10; round++)
        {
            var a = pool.Rent(1024);
            var b = pool.Rent(1024);
            pool.Return(b);
            pool.Return(a);
        }
        Assert.Equal(8 * 1024, pool.Trim());
        Assert.Equal(2 * 1024, pool.PooledBytes);
        // The two kept are the two in use: the last ones returned, on top of the stack.
        var kept = new[] { pool.Rent(1024), pool.Rent(1024) };
        Assert.Contains(kept[0], all.Skip(8), ReferenceEqualityComparer.Instance);
        Assert.Contains(kept[1], all.Skip(8), ReferenceEqualityComparer.Instance);
    }

    [Fact]
    public async Task Trimming_while_peers_rent_and_return_hands_no_array_out_twice()
    {
        var pool = new TrimmingArrayPool<byte>(maxArrayLength: 4096, maxArraysPerBucket: 1024);
        var held = new System.Collections.Concurrent.ConcurrentDictionary<byte[], bool>(ReferenceEqualityComparer.Instance);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var renters = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (clock.Elapsed < TimeSpan.FromMilliseconds(500))
            {
                var array = pool.Rent(4096);
                Assert.True(held.TryAdd(array, true), "an array was handed out while another renter held it");
                held.TryRemove(array, out var _);
                pool.Return(array);
            }
        })).ToArray();
        while (clock.Elapsed < TimeSpan.FromMilliseconds(500)) pool.Trim();
        await Task.WhenAll(renters);
        Assert.InRange(pool.PooledBytes, 0, 4L * 4096);
    }
}
