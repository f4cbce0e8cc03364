using ActorNet.Host.Commands.Top;
using ActorNet.Http.Admin;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><see cref="TopView"/>: rates from counter deltas between two polls, and the busiest connections first.</summary>
public sealed class TopViewSpec
{
    private static readonly DateTime At = new(2026, 12, 6, 5, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Has_no_rates_after_the_first_poll()
    {
        var view = TopView.From(null, Sample(TimeSpan.Zero, Source("a", frames: 100, bytes: 1000), [Connection(1, frames: 100)]));

        var source = Assert.Single(view.Sources);
        Assert.Null(source.FramesPerSecond);
        Assert.Null(source.BytesPerSecond);
        Assert.Null(view.FramesPerSecond);
        Assert.Null(Assert.Single(view.BusiestConnections).FramesPerSecond);
    }

    [Fact]
    public void Divides_the_counter_deltas_by_the_time_between_the_polls()
    {
        var first = Sample(TimeSpan.FromSeconds(1), Source("a", frames: 100, bytes: 1000, quarantined: 1), [Connection(1, frames: 100)]);
        var second = Sample(TimeSpan.FromSeconds(3), Source("a", frames: 500, bytes: 9000, quarantined: 5), [Connection(1, frames: 500)]);

        var view = TopView.From(first, second);

        var source = Assert.Single(view.Sources);
        Assert.Equal(200, source.FramesPerSecond);
        Assert.Equal(4000, source.BytesPerSecond);
        Assert.Equal(2, source.QuarantinedPerSecond);
        Assert.Equal(200, view.FramesPerSecond);
        Assert.Equal(200, Assert.Single(view.BusiestConnections).FramesPerSecond);
    }

    [Fact]
    public void Counts_what_appeared_since_the_last_poll_from_zero_and_shows_no_rate_for_a_counter_that_went_down()
    {
        var first = Sample(TimeSpan.Zero, Source("reloaded", frames: 1000), []);
        var second = Sample(TimeSpan.FromSeconds(1), Source("reloaded", frames: 10), [Connection(7, frames: 30)], Source("added", frames: 50));

        var view = TopView.From(first, second);

        Assert.Null(view.Sources.Single(s => s.Name == "reloaded").FramesPerSecond);
        Assert.Equal(50, view.Sources.Single(s => s.Name == "added").FramesPerSecond);
        Assert.Equal(30, Assert.Single(view.BusiestConnections).FramesPerSecond);
    }

    [Fact]
    public void Puts_the_busiest_connections_first()
    {
        var first = Sample(TimeSpan.Zero, Source("a"), [Connection(1, frames: 1000), Connection(2, frames: 0), Connection(3, frames: 10)]);
        var second = Sample(TimeSpan.FromSeconds(1), Source("a"), [Connection(1, frames: 1001), Connection(2, frames: 500), Connection(3, frames: 60)]);

        var view = TopView.From(first, second);

        Assert.Equal([2L, 3L, 1L], view.BusiestConnections.Select(c => c.Id));
    }

    [Fact]
    public void Lays_the_view_out_with_only_as_many_connections_as_asked()
    {
        var sample = Sample(TimeSpan.Zero, Source("a"), [Connection(1, frames: 1), Connection(2, frames: 2), Connection(3, frames: 3)]);
        var view = TopView.From(null, sample);

        var lines = TopScreen.Lines(view, "title", problem: "cannot connect", maxConnections: 2);

        Assert.Equal("title", lines[0]);
        Assert.StartsWith("! cannot connect", lines[1]);
        Assert.Contains("BUSIEST CONNECTIONS (2 of 3)", lines);
        Assert.Equal(TopScreen.LinesWithoutConnections(view, "cannot connect") + 2, lines.Count);
    }

    private static TopSample Sample(TimeSpan clock, SourceView source, ConnectionView[] connections, params SourceView[] more) =>
        new(clock, At + clock, new SourcesResponse([source, .. more]), new SinksResponse([]), new ConnectionsResponse(connections));

    private static SourceView Source(string name, long frames = 0, long bytes = 0, long quarantined = 0) =>
        new(name, "tcp-listen", "127.0.0.1:7000", "listening", 1, 1, 0, frames, bytes, quarantined, 0, 0, null, null, 0, 262144, 0);

    private static ConnectionView Connection(long id, long frames) =>
        new(id, "a", $"127.0.0.1:{50000 + id}", At, null, frames, frames * 10, 0, 0);
}
