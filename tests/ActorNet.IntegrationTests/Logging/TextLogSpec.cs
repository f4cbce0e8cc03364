using System.Globalization;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Logging;

/// <summary>The text format of the real executable: a UTC timestamp that says so, the level and the component.</summary>
public sealed class TextLogSpec
{
    // Before the fix, Serilog's {Timestamp} printed New York time followed by a literal Z: five hours off.
    [Fact]
    public async Task Timestamps_are_utc_when_the_process_runs_in_another_time_zone()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, LoggedRun.Config(directory, port, "format = text"));

        using var process = ActorNetProcess.Start(directory.Path,
            new Dictionary<string, string?> { ["TZ"] = "America/New_York" }, "run", "--config", config);
        await process.WaitForOutputAsync("listening on 127.0.0.1:" + port, LoggedRun.Bound);
        var seen = DateTime.UtcNow;

        var line = process.StdoutLines.First(l => l.Contains("listening on 127.0.0.1:" + port, StringComparison.Ordinal));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INF ActorNet\.Listener Source s listening on 127\.0\.0\.1:\d+$", line);
        var stamp = DateTime.ParseExact(line[..24], "yyyy-MM-ddTHH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.True((seen - stamp).Duration() < TimeSpan.FromMinutes(1), $"logged at {stamp:O}, seen at {seen:O} (UTC): {line}");
        await LoggedRun.StopAsync(process);
    }
}
