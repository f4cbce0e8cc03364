using System.Diagnostics;
using ActorNet.Benchmarks.Latency;
using Xunit;

namespace ActorNet.Tests.Benchmarks;

public sealed class LatencyTimelineSpec
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void Counts_frames_and_slow_frames_in_the_second_they_were_written()
    {
        var timeline = new LatencyTimeline { Start = 1000 * Second };
        timeline.Record(1000 * Second, 500_000, 10);           // second 0, fast
        timeline.Record(1000 * Second + Second / 2, 3_000_000, 5); // second 0, slow
        timeline.Record(1002 * Second, LatencyTimeline.SlowNanoseconds, 7); // second 2, exactly at the limit: not slow

        string[] lines = timeline.Describe().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length); // header and seconds 0, 1, 2
        Assert.Equal(["0", "s", "15", "5", "(", "33.3", "%)", "3.0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", "s", "0", "0", "(", "0.0", "%)", "0.0"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2", "s", "7", "0", "(", "0.0", "%)", "2.0"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Records_nothing_before_its_start()
    {
        var timeline = new LatencyTimeline();
        timeline.Record(5 * Second, 9_000_000, 3); // no start yet
        timeline.Start = 10 * Second;
        timeline.Record(9 * Second, 9_000_000, 3); // before the start
        Assert.Single(timeline.Describe().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
