using System.Text;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Files;

/// <summary>
/// <c>type = file</c> sources on real files in a temporary directory, through the real pipeline (framing, parser, jsonl
/// sinks that commit by fsync): appends, rotation by rename and by copy-truncate, a partial last line, a glob that
/// finds a new file, start-at = end, and a graceful restart that resumes from the checkpoint.
/// </summary>
public sealed class FileSourceSpec : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _directory = new();
    private readonly string _source = TestConfig.UniqueSourceName("files");

    private string Frames => _directory.File("frames.jsonl");
    private string Quarantine => _directory.File("quarantine.jsonl");
    private string Log(string name) => _directory.File(Path.Combine("logs", name));

    public FileSourceSpec() => Directory.CreateDirectory(_directory.File("logs"));

    public void Dispose() => _directory.Dispose();

    private string Config(string path, string extra = "") => $$"""
        actornet {
          http.enabled = off
          sources.{{_source}} {
            type = file
            path = "{{path}}"
            poll-interval = 20ms
            checkpoint-dir = "{{_directory.File("checkpoints")}}"
            framing { type = delimiter, delimiter = "\n" }
            parser = text
            sinks = [ out ]
            quarantine = rejects
            {{extra}}
          }
          sinks {
            out { type = jsonl, path = "{{Frames}}", flush-interval = 20ms }
            rejects { type = jsonl, path = "{{Quarantine}}", flush-interval = 20ms }
          }
        }
        """;

    private static void Append(string path, string text)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string Lines(string prefix, int from, int to) =>
        string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"{prefix}-{i}\n"));

    private static string[] Expected(string prefix, int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => $"{prefix}-{i}").ToArray();

    private async Task<IReadOnlyList<string>> PayloadsAsync(int count, InProcessActorNet actorNet) =>
        await Eventually.ValueAsync(() => JsonlRecords.TextPayloads(Frames), p => p.Count >= count, Bound,
            $"{count} records in {Frames}{Environment.NewLine}{actorNet.Log.Dump()}");

    [Fact]
    public async Task Appended_lines_are_stored_in_order_with_the_path_as_peer_and_seqs_from_1()
    {
        var log = Log("app.log");
        Append(log, Lines("a", 1, 3));
        await using var actorNet = await InProcessActorNet.StartAsync(Config(log));

        await PayloadsAsync(3, actorNet);
        Append(log, Lines("a", 4, 5));
        var payloads = await PayloadsAsync(5, actorNet);

        Assert.Equal(Expected("a", 1, 5), payloads);
        var records = JsonlRecords.Read(Frames);
        Assert.All(records, r => Assert.Equal(log, r.GetProperty("peer").GetString()));
        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Single(records.Select(r => r.GetProperty("connection").GetInt64()).Distinct());
    }

    [Fact]
    public async Task A_log_rotated_by_rename_is_read_to_its_end_and_the_new_file_from_its_start()
    {
        var log = Log("app.log");
        Append(log, Lines("r", 1, 100));
        await using var actorNet = await InProcessActorNet.StartAsync(Config(log));
        await PayloadsAsync(100, actorNet);

        // The writer still appends to the renamed file before it reopens its log, and leaves a line without its newline.
        File.Move(log, log + ".1");
        Append(log + ".1", Lines("r", 101, 110) + "r-cut");
        Append(log, Lines("r", 111, 200));

        var payloads = await PayloadsAsync(200, actorNet);
        var quarantined = await Eventually.ValueAsync(() => JsonlRecords.Read(Quarantine), q => q.Count >= 1, Bound, "the cut line quarantined");

        Assert.Equal(Expected("r", 1, 200).Order(StringComparer.Ordinal), payloads.Order(StringComparer.Ordinal));
        Assert.Equal(Expected("r", 1, 110), payloads.Where(p => int.Parse(p[2..]) <= 110));
        var cut = Assert.Single(quarantined);
        Assert.Equal("truncated", cut.GetProperty("reason").GetString());
        Assert.Equal(log, cut.GetProperty("peer").GetString());
        // Both files were found at the same path (their peer); each is a connection of its own with its own seqs.
        var byFile = JsonlRecords.Read(Frames).GroupBy(r => r.GetProperty("connection").GetInt64()).OrderBy(g => g.Key).ToArray();
        Assert.Equal(2, byFile.Length);
        Assert.Equal(Expected("r", 1, 110), byFile[0].Select(r => r.GetProperty("payload").GetString()));
        Assert.Equal(Enumerable.Range(1, 110).Select(i => (long)i), byFile[0].Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(Expected("r", 111, 200), byFile[1].Select(r => r.GetProperty("payload").GetString()));
        Assert.Equal(Enumerable.Range(1, 90).Select(i => (long)i), byFile[1].Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(111, cut.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_log_rotated_by_copy_truncate_is_read_again_from_its_start()
    {
        var log = Log("app.log");
        Append(log, Lines("before-truncation", 1, 50));
        await using var actorNet = await InProcessActorNet.StartAsync(Config(log));
        await PayloadsAsync(50, actorNet);

        File.Copy(log, log + ".1");
        using (new FileStream(log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite)) { }
        Append(log, Lines("t", 1, 10));

        var payloads = await PayloadsAsync(60, actorNet);
        Assert.Equal(Expected("before-truncation", 1, 50).Concat(Expected("t", 1, 10)), payloads);
        var records = JsonlRecords.Read(Frames);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Empty(JsonlRecords.Read(Quarantine));
    }

    [Fact]
    public async Task A_partial_last_line_waits_for_its_end_and_is_not_quarantined()
    {
        var log = Log("app.log");
        Append(log, "first\nsec");
        await using var actorNet = await InProcessActorNet.StartAsync(Config(log));
        // The read that stored "first" held "sec" too, as a partial frame.
        await PayloadsAsync(1, actorNet);

        Append(log, "ond\nthird\n");

        Assert.Equal(["first", "second", "third"], await PayloadsAsync(3, actorNet));
        await actorNet.StopAsync();
        Assert.Empty(JsonlRecords.Read(Quarantine));
    }

    [Fact]
    public async Task A_glob_picks_up_a_file_that_appears_later_and_leaves_other_names_alone()
    {
        Append(Log("a.log"), Lines("a", 1, 5));
        await using var actorNet = await InProcessActorNet.StartAsync(Config(Log("*.log"), "start-at = end"));
        await Eventually.TrueAsync(() => actorNet.Log.Lines.Any(l => l.Contains($"follows {Log("a.log")}")), Bound, () => actorNet.Log.Dump());

        Append(Log("other.txt"), Lines("x", 1, 5));
        Append(Log("b.log"), Lines("b", 1, 5));
        Append(Log("a.log"), Lines("a", 6, 7));

        var payloads = await PayloadsAsync(7, actorNet);
        // a.log was there at start-up (start-at = end: only what followed); b.log appeared later (from its start).
        Assert.Equal(Expected("a", 6, 7).Concat(Expected("b", 1, 5)).Order(StringComparer.Ordinal), payloads.Order(StringComparer.Ordinal));
        var byPeer = JsonlRecords.Read(Frames).GroupBy(r => r.GetProperty("peer").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { [Log("a.log")] = 2, [Log("b.log")] = 5 }, byPeer);
    }

    [Fact]
    public async Task A_restart_resumes_from_the_checkpoint_with_seqs_that_continue()
    {
        var log = Log("app.log");
        Append(log, Lines("c", 1, 20));
        await using (var first = await InProcessActorNet.StartAsync(Config(log)))
        {
            await PayloadsAsync(20, first);
            await first.StopAsync();
        }
        var checkpoint = await File.ReadAllTextAsync(_directory.File(Path.Combine("checkpoints", _source + ".checkpoint")));
        Assert.Contains($" {new FileInfo(log).Length} 20 {log}", checkpoint);

        Append(log, Lines("c", 21, 30));
        await using var second = await InProcessActorNet.StartAsync(Config(log, "start-at = end"));

        var payloads = await PayloadsAsync(30, second);
        Assert.Equal(Expected("c", 1, 30), payloads);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), JsonlRecords.Read(Frames).Select(r => r.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task A_sink_that_cannot_write_stops_the_reading_at_max_inflight_frames()
    {
        var log = Log("app.log");
        Append(log, Lines("s", 1, 5000));
        // The sink's directory is a file: every write fails and the sink holds the batches, acknowledging none.
        File.WriteAllText(_directory.File("blocker"), "");
        var config = Config(log, "max-inflight-frames = 100, read-buffer-size = 1 KiB, min-read-buffer-size = 1 KiB")
            .Replace(Frames, _directory.File("blocker/frames.jsonl"));
        using var metrics = new SourceMetrics(_source);
        await using var actorNet = await InProcessActorNet.StartAsync(config);

        await Eventually.TrueAsync(() => metrics.Total("actornet.frames.received") >= 100, Bound,
            () => $"100 frames read; {metrics.Total("actornet.frames.received")}{Environment.NewLine}{actorNet.Log.Dump()}");
        // Without back-pressure every line would be read within a poll-interval of the first (a 1 KiB read takes microseconds).
        await Eventually.TrueAsync(() => actorNet.Log.Lines.Any(l => l.Contains("blocker")), Bound, () => actorNet.Log.Dump());
        Assert.InRange(metrics.Total("actornet.frames.received"), 100, 100 + 1024 / 7);
        Assert.True(metrics.Total("actornet.bytes.received") < 5000 * 7, "the file was read past the limit");
    }

    [Fact]
    public async Task A_sink_that_cannot_write_stops_the_reading_at_the_process_budget()
    {
        var log = Log("app.log");
        Append(log, Lines("p", 1, 20_000));
        File.WriteAllText(_directory.File("blocker"), "");
        // Only actornet.max-buffered-bytes limits here: the per-file limits are far away.
        var config = Config(log, "max-inflight-frames = 1000000, max-inflight-bytes = 16 MiB, read-buffer-size = 1 KiB, min-read-buffer-size = 1 KiB")
            .Replace(Frames, _directory.File("blocker/frames.jsonl"))
            .Replace("http.enabled = off", "http.enabled = off\n  max-buffered-bytes = 8 KiB");
        using var metrics = new SourceMetrics(_source);
        await using var actorNet = await InProcessActorNet.StartAsync(config);

        await Eventually.TrueAsync(() => metrics.Total("actornet.bytes.received") > 0, Bound, () => actorNet.Log.Dump());
        await Eventually.TrueAsync(() => actorNet.Log.Lines.Any(l => l.Contains("blocker")), Bound, () => actorNet.Log.Dump());
        // Each read reserves its buffer and one more for the partial frame: 8 KiB holds a few 1 KiB reads, not the file's 150 KiB.
        Assert.InRange(metrics.Total("actornet.bytes.received"), 1, 8 * 1024);
    }
}
