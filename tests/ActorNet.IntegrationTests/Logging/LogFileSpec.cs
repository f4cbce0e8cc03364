using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Logging;

/// <summary><c>actornet.log.file</c> on the real executable: the log written to a file, rolled and pruned as configured.</summary>
public sealed class LogFileSpec
{
    private const int Peers = 12;

    [Fact]
    public async Task The_file_rolls_at_max_size_and_only_the_retained_files_are_kept()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var logs = Path.Combine(directory.Path, "logs");
        var config = directory.File("actornet.conf");
        // Each peer adds two connection lines of ~150 bytes: a 1 KiB file holds a few peers' lines.
        await File.WriteAllTextAsync(config, LoggedRun.Config(directory, port,
            $"levels.connection = debug, file {{ path = \"{directory.File("logs/actornet.log")}\", rolling = off, max-size = 1 KiB, retained = 2 }}"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync("listening on 127.0.0.1:" + port, LoggedRun.Bound);
        for (var i = 0; i < Peers; i++) await LoggedRun.SendGoodAndBadLineAsync(port);
        await process.WaitForOutputAsync($"Connection {Peers} from", LoggedRun.Bound);
        await LoggedRun.StopAsync(process);

        var files = Directory.GetFiles(logs).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length == 2, $"{files.Length} files: {string.Join(", ", files)}");
        // Serilog numbers each file rolled over at the size limit: the kept ones are the newest, the first ones are gone.
        var sequence = files.Select(f => Regex.Match(f!, @"^actornet(?:_(\d{3}))?\.log$")).ToArray();
        Assert.All(sequence, m => Assert.True(m.Success, m.Value));
        Assert.True(sequence.Max(m => m.Groups[1].Success ? int.Parse(m.Groups[1].Value) : 0) >= 3,
            $"the files kept are not the later ones: {string.Join(", ", files)}");

        var lines = files.SelectMany(f => File.ReadAllLines(Path.Combine(logs, f!))).ToArray();
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [A-Z]{3} \S+ ", l));
        // The last lines are there: the drain, at the end of the run.
        Assert.Contains(lines, l => l.Contains("INF ActorNet.Hosting Drained", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Connection {Peers} from", StringComparison.Ordinal));
    }
}
