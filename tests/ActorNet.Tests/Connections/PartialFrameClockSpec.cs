using ActorNet.Configuration;
using ActorNet.Connections;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class PartialFrameClockSpec
{
    private static readonly SlowPeerSettings TwoSeconds = new(TimeSpan.FromSeconds(2), 0, TimeSpan.Zero);
    private static readonly SlowPeerSettings HundredBytesASecond = new(null, 100, TimeSpan.FromSeconds(5));

    [Fact]
    public void Is_off_unless_a_frame_timeout_or_a_minimum_rate_is_set()
    {
        Assert.False(new PartialFrameClock(SlowPeerSettings.Off).Enabled);
        Assert.True(new PartialFrameClock(TwoSeconds).Enabled);
        Assert.True(new PartialFrameClock(HundredBytesASecond).Enabled);
    }

    [Fact]
    public void A_frame_incomplete_for_the_frame_timeout_times_out_however_many_bytes_trickle_in()
    {
        var clock = new PartialFrameClock(TwoSeconds);

        clock.Read(now: 1_000, inFrame: true, ended: false);
        Assert.Equal(TimeSpan.FromSeconds(2), clock.NextCheck(1_000));
        for (var t = 1_500; t < 3_000; t += 500) clock.Read(t, inFrame: true, ended: false);

        Assert.Equal(FrameVerdict.Waiting, clock.Check(2_999, 10, paused: false, out var next));
        Assert.Equal(TimeSpan.FromMilliseconds(1), next);
        Assert.Equal(FrameVerdict.TimedOut, clock.Check(3_000, 10, paused: false, out _));
    }

    [Fact]
    public void A_frame_that_ends_and_a_new_one_that_starts_in_the_same_read_restarts_the_clock()
    {
        var clock = new PartialFrameClock(TwoSeconds);
        clock.Read(0, inFrame: true, ended: false);

        clock.Read(1_900, inFrame: true, ended: true);

        Assert.Equal(FrameVerdict.Waiting, clock.Check(2_000, 1, paused: false, out var next));
        Assert.Equal(TimeSpan.FromMilliseconds(1_900), next);
        Assert.Equal(FrameVerdict.TimedOut, clock.Check(3_900, 1, paused: false, out _));
    }

    [Fact]
    public void Nothing_held_means_nothing_to_check()
    {
        var clock = new PartialFrameClock(TwoSeconds);
        clock.Read(0, inFrame: true, ended: false);

        clock.Read(500, inFrame: false, ended: true);

        Assert.False(clock.InFrame);
        Assert.Equal(FrameVerdict.NoFrame, clock.Check(10_000, 0, paused: false, out _));
    }

    [Fact]
    public void Time_while_ActorNet_itself_is_not_reading_does_not_count()
    {
        var clock = new PartialFrameClock(TwoSeconds);
        clock.Read(0, inFrame: true, ended: false);

        Assert.Equal(FrameVerdict.Waiting, clock.Check(5_000, 1, paused: true, out var next));
        Assert.Equal(TimeSpan.FromSeconds(2), next);
        Assert.Equal(FrameVerdict.TimedOut, clock.Check(7_000, 1, paused: false, out _));
    }

    [Fact]
    public void The_rate_counts_only_after_the_grace_period_and_is_checked_every_second()
    {
        var clock = new PartialFrameClock(HundredBytesASecond);
        clock.Read(0, inFrame: true, ended: false);

        Assert.Equal(TimeSpan.FromSeconds(5), clock.NextCheck(0));
        Assert.Equal(FrameVerdict.Waiting, clock.Check(4_999, 0, paused: false, out var beforeGrace));
        Assert.Equal(TimeSpan.FromMilliseconds(1), beforeGrace);
        Assert.Equal(FrameVerdict.Waiting, clock.Check(5_000, 500, paused: false, out var afterGrace));
        Assert.Equal(PartialFrameClock.RateCheckInterval, afterGrace);
        Assert.Equal(FrameVerdict.TooSlow, clock.Check(6_000, 599, paused: false, out _));
    }

    [Fact]
    public void After_a_pause_the_rate_counts_only_the_bytes_since()
    {
        var clock = new PartialFrameClock(HundredBytesASecond with { GracePeriod = TimeSpan.Zero });
        clock.Read(0, inFrame: true, ended: false);

        // 10,000 bytes came before the pause; after it, 50 bytes in a second are too slow however fast it was before.
        Assert.Equal(FrameVerdict.Waiting, clock.Check(1_000, 10_000, paused: true, out _));
        Assert.Equal(FrameVerdict.TooSlow, clock.Check(2_000, 10_050, paused: false, out _));
    }

    [Fact]
    public void The_next_check_is_the_earlier_of_the_timeout_and_the_rate_check()
    {
        var clock = new PartialFrameClock(new SlowPeerSettings(TimeSpan.FromSeconds(3), 10, TimeSpan.FromSeconds(1)));
        clock.Read(0, inFrame: true, ended: false);

        Assert.Equal(TimeSpan.FromSeconds(1), clock.NextCheck(0));
        Assert.Equal(TimeSpan.FromMilliseconds(500), clock.NextCheck(2_500));
    }
}
