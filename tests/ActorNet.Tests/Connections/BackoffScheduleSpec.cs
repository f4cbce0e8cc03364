using ActorNet.Configuration;
using ActorNet.Connections;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class BackoffScheduleSpec
{
    /// <summary>A reconnect policy as configuration allows it (min-backoff from 1ms, max-backoff at least that), a failure count and a draw.</summary>
    public sealed record Case(ReconnectSettings Settings, int Failures, double Random)
    {
        public override string ToString() =>
            $"min {Settings.MinBackoff.TotalMilliseconds} ms, max {Settings.MaxBackoff.TotalMilliseconds} ms, " +
            $"random-factor {Settings.RandomFactor}, failures {Failures}, draw {Random}";
    }

    [Property]
    public Property The_delay_lies_within_the_random_factor_of_the_doubled_and_capped_base() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var delay = new BackoffSchedule(c.Settings).Delay(c.Failures, c.Random).Ticks;
            var baseTicks = BaseTicks(c.Settings, c.Failures);
            // One tick of slack: the delay is truncated to whole ticks.
            Assert.InRange(delay, baseTicks * (1 - c.Settings.RandomFactor) - 1, baseTicks * (1 + c.Settings.RandomFactor) + 1);
        });

    [Property]
    public Property The_delay_is_never_negative_and_never_past_max_backoff_plus_its_jitter() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var delay = new BackoffSchedule(c.Settings).Delay(c.Failures, c.Random);
            Assert.True(delay >= TimeSpan.Zero, $"negative delay {delay}");
            Assert.True(delay.Ticks <= c.Settings.MaxBackoff.Ticks * (1 + c.Settings.RandomFactor) + 1, $"delay {delay} past the cap");
        });

    [Property]
    public Property For_a_fixed_draw_the_delay_doubles_with_each_failure_until_the_cap_and_then_stays() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var schedule = new BackoffSchedule(c.Settings);
            var delay = schedule.Delay(c.Failures, c.Random).Ticks;
            var next = schedule.Delay(c.Failures + 1, c.Random).Ticks;
            Assert.True(next >= delay, $"delay fell from {delay} to {next} ticks");
            if (BaseTicks(c.Settings, c.Failures + 1) < c.Settings.MaxBackoff.Ticks)
                Assert.InRange(next, 2 * delay, 2 * delay + 2);
            if (BaseTicks(c.Settings, c.Failures) >= c.Settings.MaxBackoff.Ticks)
                Assert.Equal(delay, next);
        });

    [Property]
    public Property Bounds_are_the_delays_of_the_lowest_and_highest_draw_and_hold_every_delay() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var schedule = new BackoffSchedule(c.Settings);
            var (min, max) = schedule.Bounds(c.Failures);
            Assert.Equal(schedule.Delay(c.Failures, 0), min);
            Assert.Equal(schedule.Delay(c.Failures, 1), max);
            Assert.InRange(schedule.Delay(c.Failures, c.Random), min, max);
        });

    [Property]
    public Property A_feed_gives_up_exactly_at_max_attempts_failures_and_never_when_off() =>
        Prop.ForAll(Gen.Choose(1, 1000).ToArbitrary(), Gen.Choose(0, 2000).ToArbitrary(), (maxAttempts, failures) =>
        {
            Assert.Equal(failures >= maxAttempts, new BackoffSchedule(Settings(maxAttempts: maxAttempts)).GivesUp(failures));
            Assert.False(new BackoffSchedule(Settings(maxAttempts: null)).GivesUp(failures));
        });

    [Property]
    public Property A_connection_resets_the_failure_count_once_it_lasted_reset_after() =>
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), Gen.Choose(0, 200_000).ToArbitrary(), (resetAfterMs, uptimeMs) =>
        {
            var schedule = new BackoffSchedule(Settings(resetAfter: TimeSpan.FromMilliseconds(resetAfterMs)));
            Assert.Equal(uptimeMs >= resetAfterMs, schedule.Resets(TimeSpan.FromMilliseconds(uptimeMs)));
        });

    [Fact]
    public void The_reference_defaults_wait_200ms_then_400ms_then_800ms_up_to_30s()
    {
        var schedule = new BackoffSchedule(Settings(randomFactor: 0));
        Assert.Equal(
            [200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000],
            Enumerable.Range(0, 10).Select(f => (int)schedule.Delay(f, 0.5).TotalMilliseconds));
    }

    [Fact]
    public void A_draw_in_the_middle_gives_the_base_and_the_ends_give_the_random_factor_either_side()
    {
        var schedule = new BackoffSchedule(Settings(randomFactor: 0.2));
        Assert.Equal(TimeSpan.FromMilliseconds(400), schedule.Delay(1, 0.5));
        Assert.Equal((TimeSpan.FromMilliseconds(320), TimeSpan.FromMilliseconds(480)), schedule.Bounds(1));
    }

    [Theory]
    [InlineData(63)]
    [InlineData(1_000)]
    [InlineData(int.MaxValue)]
    public void Failure_counts_far_past_the_cap_give_max_backoff(int failures)
    {
        var schedule = new BackoffSchedule(Settings(randomFactor: 0));
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.Delay(failures, 0.3));
    }

    [Fact]
    public void A_random_factor_of_one_may_wait_nothing_at_all_but_never_less()
    {
        var schedule = new BackoffSchedule(Settings(randomFactor: 1));
        Assert.Equal(TimeSpan.Zero, schedule.Delay(3, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(3200), schedule.Delay(3, 1));
    }

    private static double BaseTicks(ReconnectSettings settings, int failures) =>
        Math.Min(settings.MinBackoff.Ticks * Math.Pow(2, Math.Min(failures, 62)), settings.MaxBackoff.Ticks);

    private static ReconnectSettings Settings(double randomFactor = 0.2, TimeSpan? resetAfter = null, int? maxAttempts = null) =>
        new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), randomFactor, resetAfter ?? TimeSpan.FromSeconds(60), maxAttempts);

    /// <summary>
    /// Ratios max/min spread evenly over orders of magnitude, and failure counts mostly below the cap (where the
    /// doubling shows), some far past it.
    /// </summary>
    private static Gen<Case> Cases() =>
        from minMs in Gen.Choose(1, 60_000)
        from ratioExponent in Gen.Choose(0, 17)
        from ratio in Gen.Choose(1 << ratioExponent, 2 << ratioExponent)
        from factorPermille in Gen.OneOf(Gen.Elements(0, 1000), Gen.Choose(0, 1000))
        from failures in Gen.OneOf(Gen.Choose(0, 20), Gen.Choose(0, 20), Gen.Choose(0, 80), Gen.Elements(61, 62, 63, 1000, int.MaxValue - 1))
        from drawMillionths in Gen.Choose(0, 999_999)
        select new Case(
            new ReconnectSettings(TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(Math.Min((long)minMs * ratio, 86_400_000L)),
                factorPermille / 1000.0, TimeSpan.FromSeconds(60), null),
            failures, drawMillionths / 1_000_000.0);
}
