using System.Net;
using ActorNet.Connections.Admission;
using Xunit;

namespace ActorNet.Tests.Connections.Admission;

public sealed class ConnectRateLimiterSpec
{
    // One tick a millisecond keeps the arithmetic readable.
    private const long Second = 1000;
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void An_address_may_connect_a_seconds_worth_at_once_then_waits_for_the_bucket_to_refill()
    {
        var limiter = new ConnectRateLimiter(perSecond: 4, ticksPerSecond: Second);

        Assert.Equal([true, true, true, true, false], Enumerable.Range(0, 5).Select(_ => limiter.TryTake(A, 0)));
        Assert.False(limiter.TryTake(A, Second / 4 - 1));
        Assert.True(limiter.TryTake(A, Second / 4));
        Assert.False(limiter.TryTake(A, Second / 4));
    }

    [Fact]
    public void Addresses_have_buckets_of_their_own()
    {
        var limiter = new ConnectRateLimiter(perSecond: 1, ticksPerSecond: Second);

        Assert.True(limiter.TryTake(A, 0));
        Assert.False(limiter.TryTake(A, 10));
        Assert.True(limiter.TryTake(B, 10));
    }

    [Fact]
    public void A_bucket_never_holds_more_than_a_seconds_worth_however_long_it_waited()
    {
        var limiter = new ConnectRateLimiter(perSecond: 2, ticksPerSecond: Second);
        limiter.TryTake(A, 0);

        var later = 3600 * Second;
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(_ => limiter.TryTake(A, later)));
    }

    [Fact]
    public void A_refused_connect_spends_no_token()
    {
        var limiter = new ConnectRateLimiter(perSecond: 1, ticksPerSecond: Second);
        Assert.True(limiter.TryTake(A, 0));
        for (var t = 1; t < 10; t++) Assert.False(limiter.TryTake(A, t * 100));

        Assert.True(limiter.TryTake(A, Second));
    }

    [Fact]
    public void Memory_stays_bounded_however_many_addresses_knock()
    {
        var limiter = new ConnectRateLimiter(perSecond: 5, maxTracked: 100, ticksPerSecond: Second);

        // A flood of distinct addresses within one refill period: none has refilled, so the oldest are dropped.
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(limiter.TryTake(Address(i), i / 100));
            Assert.InRange(limiter.Tracked, 1, 100);
        }
    }

    [Fact]
    public void Buckets_that_refilled_are_forgotten_first_and_a_busy_one_keeps_its_debt()
    {
        var limiter = new ConnectRateLimiter(perSecond: 1, maxTracked: 3, ticksPerSecond: Second);
        limiter.TryTake(Address(1), 0);
        limiter.TryTake(Address(2), 0);
        limiter.TryTake(A, 2 * Second - 1);  // A: empty until 3 s
        limiter.TryTake(Address(3), 2 * Second); // full house: 1 and 2 refilled at 1 s and go, A stays

        Assert.Equal(2, limiter.Tracked);
        Assert.False(limiter.TryTake(A, 2 * Second + 1));
    }

    private static IPAddress Address(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
}
