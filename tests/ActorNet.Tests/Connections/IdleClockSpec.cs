using ActorNet.Connections;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class IdleClockSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Off_is_disabled()
    {
        Assert.False(new IdleClock(null).Enabled);
        Assert.True(new IdleClock(Timeout).Enabled);
    }

    [Fact]
    public void A_peer_silent_for_the_whole_timeout_is_idle()
    {
        var clock = new IdleClock(Timeout);
        Assert.Equal(Timeout, clock.Start(now: 1_000));

        Assert.True(clock.Check(now: 11_000, paused: false, out _));
    }

    [Fact]
    public void Hearing_from_the_peer_moves_the_next_check_to_a_whole_timeout_after_it_without_a_timer_per_read()
    {
        var clock = new IdleClock(Timeout);
        clock.Start(now: 0);
        clock.Heard(now: 4_000);
        clock.Heard(now: 7_500);

        Assert.False(clock.Check(now: 10_000, paused: false, out var next));
        Assert.Equal(TimeSpan.FromMilliseconds(7_500), next);
        Assert.False(clock.Check(now: 17_499, paused: false, out next));
        Assert.Equal(TimeSpan.FromMilliseconds(1), next);
        Assert.True(clock.Check(now: 17_500, paused: false, out _));
    }

    [Fact]
    public void Silence_while_ActorNet_is_not_reading_is_ours_and_the_clock_starts_again()
    {
        var clock = new IdleClock(Timeout);
        clock.Start(now: 0);

        Assert.False(clock.Check(now: 12_000, paused: true, out var next));
        Assert.Equal(Timeout, next);
        Assert.False(clock.Check(now: 21_999, paused: false, out _));
        Assert.True(clock.Check(now: 22_000, paused: false, out _));
    }

    [Fact]
    public void A_timeout_below_a_millisecond_still_counts_one()
    {
        var clock = new IdleClock(TimeSpan.FromTicks(10));
        clock.Start(now: 5);

        Assert.False(clock.Check(now: 5, paused: false, out var next));
        Assert.Equal(TimeSpan.FromMilliseconds(1), next);
        Assert.True(clock.Check(now: 6, paused: false, out _));
    }
}
