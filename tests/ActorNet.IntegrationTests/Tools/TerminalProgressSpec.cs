using System.Text.RegularExpressions;
using ActorNet.Host.Commands.Tools;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// The progress line of long-running commands (<c>tap</c>, <c>send</c>): shown with its count and rate when standard
/// error is a terminal (tmux gives the command one), erased at the end, and absent when standard error is piped.
/// </summary>
public sealed partial class TerminalProgressSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [TmuxFact]
    public async Task Tap_shows_records_and_rate_on_a_terminal_and_erases_the_line_when_done()
    {
        var source = TestConfig.UniqueSourceName("tap-progress");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "line");
        var records = Path.Combine(actornet.DirectoryPath, "tapped.jsonl");

        // Records to a file, so that the terminal shows standard error alone.
        using var terminal = TmuxSession.Start(actornet.DirectoryPath,
            TmuxSession.ActorNetCommand("tap", "--url", actornet.Url.ToString(), "--limit", "1000") + $" > '{records}'");

        await terminal.WaitForScreenAsync(s => TapProgress().IsMatch(s), "tap: N records, R/s", Bound);
        var (exit, after) = await terminal.WaitForExitAsync(Bound);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("tap:", after);
        Assert.Equal(1000, File.ReadLines(records).Count());
    }

    [TmuxFact]
    public async Task Send_shows_frames_and_rate_on_a_terminal_above_the_replies_and_erases_the_line_before_its_summary()
    {
        using var directory = new TempDirectory();
        await using var echo = new EchoServer();

        using var terminal = TmuxSession.Start(directory.Path,
            TmuxSession.ActorNetCommand("send", $"127.0.0.1:{echo.Port}", "--count", "1500", "--rate", "500", "--wait", "1s"));

        await terminal.WaitForScreenAsync(s => SendProgress().IsMatch(s), "sending: N frames, R/s", Bound);
        var (exit, after) = await terminal.WaitForExitAsync(Bound);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("sending:", after);
        // The summary starts its own line: the progress line was erased, not left in front of it. (How many replies
        // came back within the one-second wait is send's own spec's business; on a loaded machine a few may still be
        // on their way.)
        Assert.True(after.Split('\n').Any(l => l.StartsWith("sent 1500 frame(s), received ", StringComparison.Ordinal)),
            $"no line starts with the summary; the screen:\n{after}");
        // Each echoed reading is a whole line of its own, not glued to progress text.
        Assert.All(after.Split('\n').Where(l => l.Contains("\"seq\"", StringComparison.Ordinal)), l => Assert.StartsWith("{\"seq\":", l));
    }

    [TmuxFact]
    public async Task Feed_sim_counts_the_records_sent_to_its_clients_below_its_log_lines()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        using var terminal = TmuxSession.Start(directory.Path,
            "trap : INT; " + TmuxSession.ActorNetCommand("feed-sim", "--port", port.ToString(), "--rate", "200"));
        await terminal.WaitForScreenAsync(s => s.Contains("feed-sim listening on", StringComparison.Ordinal), "feed-sim listening", Bound);

        using var client = await Loopback.ConnectAsync(port);

        var screen = await terminal.WaitForScreenAsync(s => FeedSimProgress().Match(s) is { Success: true } m && m.Groups[1].Value != "0",
            "feed-sim: N records sent, R/s with N > 0", Bound);
        var lines = screen.Split('\n');
        // The log line about the client came out above the progress line, each on a line of its own.
        Assert.Contains(lines, l => l.Contains($"client {client.PeerName()} connected", StringComparison.Ordinal)
            && !l.Contains("records sent", StringComparison.Ordinal));
        terminal.SendKeys("C-c");
        var (exit, after) = await terminal.WaitForExitAsync(Bound);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("records sent,", after);
    }

    [Fact]
    public async Task Send_piped_prints_no_progress()
    {
        using var directory = new TempDirectory();
        await using var echo = new EchoServer();

        using var send = ActorNetProcess.Start(directory.Path, "send", $"127.0.0.1:{echo.Port}", "--count", "300", "--rate", "500", "--wait", "1s");

        Assert.True(await send.WaitForExitAsync(Bound) == 0, send.Output);
        Assert.DoesNotContain("sending:", send.Stderr);
        Assert.DoesNotContain('\u001b', send.Stderr);
        Assert.StartsWith("sent 300 frame(s), received 300 frame(s)", send.Stderr);
    }

    [Fact]
    public void Draws_nothing_on_a_writer_that_is_not_the_terminal()
    {
        using var log = new StringWriter();
        using (var progress = TerminalProgress.OnStandardError(log, "sending", "frames"))
        {
            progress.Add(5);
            Assert.False(progress.Shows);
            Assert.Same(log, progress.Above(log));
        }
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public void Formats_count_and_rate_with_thousands_separators()
    {
        Assert.Equal("tap: 12,345 records, 2,001/s", TerminalProgress.Format("tap", "records", 12345, 2000.6));
        Assert.Equal("sending: 0 frames", TerminalProgress.Format("sending", "frames", 0, null));
    }

    [GeneratedRegex(@"tap: [\d,]+ records, [\d,]+/s")]
    private static partial Regex TapProgress();

    [GeneratedRegex(@"sending: [\d,]+ frames, [\d,]+/s")]
    private static partial Regex SendProgress();

    [GeneratedRegex(@"feed-sim: ([\d,]+) records sent, [\d,]+/s")]
    private static partial Regex FeedSimProgress();
}
