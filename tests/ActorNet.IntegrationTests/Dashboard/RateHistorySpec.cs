using ActorNet.Http.Dashboard;
using ActorNet.Monitoring;
using Xunit;

namespace ActorNet.IntegrationTests.Dashboard;

public sealed class RateHistorySpec
{
    private static readonly DateTime T0 = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Each_sample_is_the_rate_since_the_previous_one_and_the_ring_keeps_the_newest_points_in_order()
    {
        var status = new ActorNetStatus();
        var sensors = status.AddSource("sensors", "tcp-listen", "127.0.0.1:7000");
        status.AddSource("idle", "tcp-listen", "127.0.0.1:7001");
        using var history = new RateHistory(status, capacity: 3);

        history.Sample(T0);
        for (var second = 1; second <= 5; second++)
        {
            sensors.Received(frames: 10 * second, bytes: 0);
            history.Sample(T0.AddSeconds(second));
        }

        var rates = history.Snapshot();
        Assert.Equal(["sensors", "idle"], rates.Select(r => r.Source));
        Assert.Equal([T0.AddSeconds(3), T0.AddSeconds(4), T0.AddSeconds(5)], rates[0].Points.Select(p => p.At));
        Assert.Equal([30.0, 40.0, 50.0], rates[0].Points.Select(p => p.FramesPerSecond));
        Assert.Equal([0.0, 0.0, 0.0], rates[1].Points.Select(p => p.FramesPerSecond));
    }

    [Fact]
    public void A_source_has_no_point_before_its_second_sample()
    {
        var status = new ActorNetStatus();
        status.AddSource("sensors", "tcp-listen", "127.0.0.1:7000").Received(frames: 500, bytes: 0);
        using var history = new RateHistory(status);

        history.Sample(T0);

        Assert.Empty(Assert.Single(history.Snapshot()).Points);
    }
}
