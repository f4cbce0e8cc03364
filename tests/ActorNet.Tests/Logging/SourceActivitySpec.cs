using ActorNet.Logging;
using Xunit;

namespace ActorNet.Tests.Logging;

public sealed class SourceActivitySpec
{
    [Fact]
    public void The_activity_of_an_interval_is_the_difference_of_the_totals_with_the_connections_open_now()
    {
        var earlier = new SourceActivity(Opened: 10, Closed: 4, Refused: 1, Active: 6, Frames: 1_000, Quarantined: 2);
        var now = new SourceActivity(Opened: 13, Closed: 9, Refused: 1, Active: 4, Frames: 1_500, Quarantined: 5);

        Assert.Equal(new SourceActivity(3, 5, 0, 4, 500, 3), now.Since(earlier));
    }

    [Fact]
    public void Open_connections_that_sent_nothing_are_no_activity()
    {
        var totals = new SourceActivity(Opened: 10, Closed: 0, Refused: 0, Active: 10, Frames: 50, Quarantined: 0);

        Assert.False(totals.Since(totals).Any);
    }

    [Theory]
    [InlineData(1, 0, 0, 0, 0)]
    [InlineData(0, 1, 0, 0, 0)]
    [InlineData(0, 0, 1, 0, 0)]
    [InlineData(0, 0, 0, 1, 0)]
    [InlineData(0, 0, 0, 0, 1)]
    public void Any_change_is_activity(long opened, long closed, long refused, long frames, long quarantined) =>
        Assert.True(new SourceActivity(opened, closed, refused, 0, frames, quarantined).Any);
}
