using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// The real executable following a log file into SQLite, killed with SIGKILL in the middle and started again: every line
/// is stored, and a line is stored twice only if it came after the checkpoint the kill left (the documented window:
/// what the sinks committed after the last checkpoint write), twice with the same seq.
/// </summary>
public sealed class FileSourceKillSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const int WrittenBeforeKill = 200_000;
    private const int WrittenWhileDown = 5_000;
    private const int StoredBeforeKill = 10_000;

    [Fact]
    public async Task Every_line_is_stored_after_a_kill_9_and_only_lines_past_the_checkpoint_twice()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("file-kill");
        var log = directory.File("app.log");
        var database = directory.File("actornet.db");
        var checkpoint = directory.File(Path.Combine("checkpoints", source + ".checkpoint"));
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              http.enabled = off
              sources.{{source}} {
                type = file
                path = "{{log}}"
                poll-interval = 20ms
                checkpoint-dir = "{{directory.File("checkpoints")}}"
                parser = text
                sinks = [ store ]
                quarantine = rejects
              }
              sinks {
                store { type = sqlite, path = "{{database}}" }
                rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 50ms }
              }
            }
            """);
        await File.WriteAllTextAsync(log, Lines(1, WrittenBeforeKill));

        string checkpointAtKill;
        int storedAtKill;
        using (var first = ActorNetProcess.Start(directory.Path, "run", "--config", config))
        {
            await first.WaitForOutputAsync($"Source {source} following {log}", Bound);
            await Eventually.TrueAsync(() => StoredRows.Read(database, source).Count >= StoredBeforeKill, Bound,
                () => $"{StoredBeforeKill} lines stored before the kill; {StoredRows.Read(database, source).Count}{Environment.NewLine}{first.Output}");
            await first.KillAsync(Bound);
            checkpointAtKill = await File.ReadAllTextAsync(checkpoint);
            storedAtKill = StoredRows.Read(database, source).Count;
        }
        var (offset, seq) = Position(checkpointAtKill, log);
        output.WriteLine($"killed with {storedAtKill} rows stored; checkpoint at offset {offset}, seq {seq}");
        Assert.InRange(seq, 1, storedAtKill);
        Assert.Equal(Encoding.UTF8.GetByteCount(Lines(1, seq)), offset);

        await File.AppendAllTextAsync(log, Lines(WrittenBeforeKill + 1, WrittenBeforeKill + WrittenWhileDown));
        using var restarted = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        const int total = WrittenBeforeKill + WrittenWhileDown;
        IReadOnlyList<StoredRow> rows = [];
        await Eventually.TrueAsync(() => (rows = StoredRows.Read(database, source)).Select(r => r.Payload).Distinct().Count() == total, Bound,
            () => $"all {total} lines stored; {rows.Select(r => r.Payload).Distinct().Count()} distinct{Environment.NewLine}{restarted.Output}");

        var twice = rows.GroupBy(r => r.Payload).Where(g => g.Count() > 1).ToArray();
        output.WriteLine($"after the restart: {rows.Count} rows, {twice.Length} lines stored twice (the window: {storedAtKill - seq} committed past the checkpoint)");
        Assert.All(twice, g =>
        {
            Assert.Equal(2, g.Count());
            Assert.True(g.First().Seq > seq, $"{g.Key} (seq {g.First().Seq}) is stored twice but was inside the checkpoint (seq {seq})");
            Assert.Equal(g.First().Seq, g.Last().Seq);
        });
        Assert.True(twice.Length <= storedAtKill - seq, $"{twice.Length} lines twice, more than the {storedAtKill - seq} stored past the checkpoint");
        // Seqs continue across the restart: line n has seq n, whichever run stored it.
        Assert.All(rows, r => Assert.Equal($"line-{r.Seq}", r.Payload));
        Assert.Empty(JsonlRecords.Read(directory.File("quarantine.jsonl")));

        await restarted.TerminateAsync();
        Assert.Equal(0, await restarted.WaitForExitAsync(Bound));
    }

    private static string Lines(int from, long to)
    {
        var text = new StringBuilder();
        for (long i = from; i <= to; i++) text.Append("line-").Append(i).Append('\n');
        return text.ToString();
    }

    private static (long Offset, long Seq) Position(string checkpoint, string log)
    {
        var line = Assert.Single(checkpoint.Split('\n'), l => l.EndsWith(" " + log, StringComparison.Ordinal));
        var fields = line.Split(' ');
        return (long.Parse(fields[2]), long.Parse(fields[3]));
    }
}
