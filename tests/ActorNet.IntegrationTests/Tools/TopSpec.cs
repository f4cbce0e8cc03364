using System.Globalization;
using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Tools;

/// <summary><c>actornet top</c>, the real executable, against a running ActorNet whose peer streams lines: piped, and on a terminal.</summary>
public sealed partial class TopSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Piped_prints_plain_snapshots_with_the_source_its_rate_the_sinks_and_the_connection()
    {
        var source = TestConfig.UniqueSourceName("top");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "line");
        await Eventually.TrueAsync(() => peer.Sent > 0, Bound, () => "the peer to send");

        using var top = ActorNetProcess.Start(actornet.DirectoryPath, "top", "--url", actornet.Url.ToString(), "--interval", "500ms",
            "--iterations", "4");

        Assert.True(await top.WaitForExitAsync(Bound) == 0, top.Output);
        Assert.Equal("", top.Stderr);
        Assert.DoesNotContain('\u001b', top.Stdout);
        var snapshots = top.Stdout.Split("actornet top ", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, snapshots.Length);
        foreach (var snapshot in snapshots)
        {
            Assert.Contains("SOURCES (1)", snapshot);
            Assert.Contains("SINKS (3)", snapshot);
            Assert.Contains("CONNECTIONS (1, busiest first)", snapshot);
        }
        // The first snapshot has no earlier poll to take a rate from; later ones have, and the peer streams all along.
        // One 500 ms gap may see nothing arrive on a loaded CI machine (seen once), so any later snapshot may show it.
        Assert.Equal("-", Cell(snapshots[0], source, "FRAMES/S"));
        Assert.All(snapshots[1..], s => Assert.NotEqual("-", Cell(s, source, "FRAMES/S")));
        Assert.Contains(snapshots[1..], s => Rate(Cell(s, source, "FRAMES/S")) > 0);
        var live = Assert.Single(Rows(snapshots[^1], "SINKS"), r => r[0] == "live");
        Assert.Equal("websocket", live[1]);
    }

    [Fact]
    public async Task Piped_says_on_standard_error_when_a_later_poll_fails_and_keeps_polling_until_sigterm()
    {
        var source = TestConfig.UniqueSourceName("top-gone");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);
        using var top = ActorNetProcess.Start(actornet.DirectoryPath, "top", "--url", actornet.Url.ToString(), "--interval", "200ms");
        await top.WaitForOutputAsync(source + " ", Bound);

        actornet.Dispose();

        await Eventually.TrueAsync(() => top.Stderr.Contains($"actornet top: cannot connect to {actornet.Url}", StringComparison.Ordinal), Bound,
            () => top.Output);
        Assert.False(top.HasExited, top.Output);
        await top.TerminateAsync();
        Assert.True(await top.WaitForExitAsync(Bound) == 0, top.Output);
    }

    [Fact]
    public async Task Exits_1_naming_the_url_when_nothing_listens_there()
    {
        using var directory = new TempDirectory();
        var url = $"http://127.0.0.1:{Loopback.FreePort()}/";

        using var top = ActorNetProcess.Start(directory.Path, "top", "--url", url, "--iterations", "1");

        Assert.True(await top.WaitForExitAsync(Bound) == 1, top.Output);
        Assert.Equal("", top.Stdout);
        Assert.StartsWith($"actornet top: cannot connect to {url}", top.Stderr);
    }

    [Fact]
    public async Task Exits_1_asking_for_the_token_when_it_is_refused()
    {
        var source = TestConfig.UniqueSourceName("top-token");
        using var actornet = await LiveInstance.StartAsync([(source, "text")], adminToken: "top-spec-token");

        using var top = ActorNetProcess.Start(actornet.DirectoryPath, "top", "--url", actornet.Url.ToString(), "--token", "wrong", "--iterations", "1");

        Assert.True(await top.WaitForExitAsync(Bound) == 1, top.Output);
        Assert.Equal("", top.Stdout);
        Assert.Contains("401", top.Stderr);
        Assert.Contains("--token", top.Stderr);
    }

    [TmuxFact]
    public async Task On_a_terminal_redraws_the_source_with_a_rate_and_q_restores_the_screen_and_exits_0()
    {
        var source = TestConfig.UniqueSourceName("top-tty");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);
        using var peer = await PacedLinePeer.StartAsync(actornet.Ports[source], "line");

        using var terminal = TmuxSession.Start(actornet.DirectoryPath,
            TmuxSession.ActorNetCommand("top", "--url", actornet.Url.ToString(), "--interval", "300ms"));

        // Redrawn in place: the source's row shows a rate, which needs a second poll drawn over the first.
        var screen = await terminal.WaitForScreenAsync(s => s.Contains("(q quits)") && RateOnScreen(s, source) > 0,
            $"{source} with a non-zero FRAMES/S", Bound);
        Assert.Single(screen.Split('\n'), l => l.StartsWith("SOURCES (1)", StringComparison.Ordinal));

        terminal.SendKeys("q");

        var (exit, after) = await terminal.WaitForExitAsync(Bound);
        Assert.Equal(0, exit);
        // The alternate screen was left: what top drew is gone, the shell's screen is back.
        Assert.DoesNotContain("SOURCES", after);
        Assert.DoesNotContain(source, after);
    }

    [TmuxFact]
    public async Task On_a_terminal_ctrl_c_restores_the_screen_and_exits_0()
    {
        var source = TestConfig.UniqueSourceName("top-ctrl-c");
        using var actornet = await LiveInstance.StartAsync([(source, "text")]);

        // sh would die of the SIGINT too, before printing the exit code; a trapped signal (unlike an ignored one) is
        // back to its default in top, which must handle it itself.
        using var terminal = TmuxSession.Start(actornet.DirectoryPath,
            "trap : INT; " + TmuxSession.ActorNetCommand("top", "--url", actornet.Url.ToString(), "--interval", "300ms"));
        await terminal.WaitForScreenAsync(s => s.Contains(source, StringComparison.Ordinal), source, Bound);

        terminal.SendKeys("C-c");

        var (exit, after) = await terminal.WaitForExitAsync(Bound);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("SOURCES", after);
    }

    /// <summary>The FRAMES/S cell of <paramref name="source"/>'s row on a screen, as a number; -1 while not shown.</summary>
    private static double RateOnScreen(string screen, string source)
    {
        try
        {
            return Rate(Cell(screen, source, "FRAMES/S"));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }

    private static double Rate(string cell) => cell == "-" ? 0 : double.Parse(cell, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>The cell under <paramref name="column"/> in the SOURCES row that starts with <paramref name="source"/>.</summary>
    private static string Cell(string text, string source, string column)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.FindIndex(l => l.StartsWith("SOURCES", StringComparison.Ordinal)) + 1;
        var index = Columns().Split(lines[header]).ToList().IndexOf(column);
        var row = lines.Skip(header + 1).First(l => l.StartsWith(source + " ", StringComparison.Ordinal));
        return Columns().Split(row)[index];
    }

    /// <summary>The rows of the table under the section line that starts with <paramref name="section"/>, split into cells.</summary>
    private static IEnumerable<string[]> Rows(string text, string section) =>
        text.Split('\n').Select(l => l.TrimEnd('\r'))
            .SkipWhile(l => !l.StartsWith(section, StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.Length > 0)
            .Select(l => Columns().Split(l.Trim()));

    // TextTable puts two spaces or more between columns; a cell holds at most single spaces ("5.8 KiB/s").
    [GeneratedRegex(" {2,}")]
    private static partial Regex Columns();
}
