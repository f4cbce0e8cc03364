using System.Globalization;
using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Logging;

/// <summary>
/// Levels on the real executable: connection open and close lines are at debug (hidden by default, shown with
/// <c>levels.connection = debug</c>), and <c>--log-level</c> overrides <c>actornet.log.level</c>. Absence is checked
/// after the process exited, when every line it logged is in the output.
/// </summary>
public sealed class LogLevelSpec
{
    [Fact]
    public async Task Connection_lines_are_hidden_by_default_while_the_summary_counts_them()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, LoggedRun.Config(directory, port, "summary-interval = 1s"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync("listening on 127.0.0.1:" + port, LoggedRun.Bound);
        await LoggedRun.SendGoodAndBadLineAsync(port);
        // The peer's activity may straddle two intervals: wait until the summaries add up to it.
        await Eventually.TrueAsync(() => SummaryTotals(process.StdoutLines) == (1, 1, 2, 1), LoggedRun.Bound,
            () => $"summaries of 1 opened, 1 closed, 2 frames, 1 quarantined{Environment.NewLine}{process.Output}");
        await LoggedRun.StopAsync(process);

        Assert.DoesNotContain(process.StdoutLines, l => l.Contains("ActorNet.Connection", StringComparison.Ordinal));
        Assert.Contains(process.StdoutLines, l => l.Contains("WRN ActorNet.Parser Quarantined frame 2", StringComparison.Ordinal));
    }

    private static readonly Regex Summary = new(
        @"INF ActorNet\.Summary Source s: (\d+) opened, (\d+) closed, 0 refused, \d+ active, (\d+) frames, (\d+) quarantined in the last 1s$");

    private static (long Opened, long Closed, long Frames, long Quarantined) SummaryTotals(IEnumerable<string> lines)
    {
        var matches = lines.Select(l => Summary.Match(l)).Where(m => m.Success).ToArray();
        long Sum(int group) => matches.Sum(m => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture));
        return (Sum(1), Sum(2), Sum(3), Sum(4));
    }

    [Fact]
    public async Task The_connection_category_at_debug_shows_each_connection_opening_and_closing()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, LoggedRun.Config(directory, port, "levels { connection = debug }"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync("listening on 127.0.0.1:" + port, LoggedRun.Bound);
        var peer = await LoggedRun.SendGoodAndBadLineAsync(port);
        await process.WaitForOutputAsync($"DBG ActorNet.Connection Connection 1 from {peer} opened on source s", LoggedRun.Bound);
        await process.WaitForOutputAsync($"DBG ActorNet.Connection Connection 1 from {peer} on source s closed: the peer closed the connection (2 frames)",
            LoggedRun.Bound);
        await LoggedRun.StopAsync(process);

        // Only that category: the others stay at info.
        Assert.All(process.StdoutLines.Where(l => l.Contains(" DBG ", StringComparison.Ordinal)),
            l => Assert.Contains(" DBG ActorNet.Connection ", l));
    }

    [Fact]
    public async Task Log_level_warning_on_the_bare_command_hides_information_and_keeps_errors()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, LoggedRun.Config(directory, port, "level = info", brokenSink: true));

        // The bare command is `run`: the option works there too.
        using var process = ActorNetProcess.Start(directory.Path, "--config", config, "--log-level", "warning");
        await process.WaitForOutputAsync("ERR ActorNet.Sink Sink broken cannot open its store", LoggedRun.Bound);
        // Listening, though it said nothing: the peer gets through and its bad line is quarantined.
        await LoggedRun.SendGoodAndBadLineAsync(port);
        await process.WaitForOutputAsync("WRN ActorNet.Parser Quarantined frame 2", LoggedRun.Bound);
        await LoggedRun.StopAsync(process);

        Assert.DoesNotContain(process.StdoutLines, l => l.Contains(" INF ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_log_level_on_the_command_line_is_refused_with_the_levels()
    {
        using var directory = new TempDirectory();
        using var process = ActorNetProcess.Start(directory.Path, "run", "--log-level", "loud");
        Assert.NotEqual(0, await process.WaitForExitAsync(LoggedRun.Bound));
        Assert.Contains("loud", process.Stderr);
        Assert.Contains("warning", process.Stderr);
    }
}
