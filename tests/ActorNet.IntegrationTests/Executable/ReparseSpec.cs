using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNet.Host.Commands.Reparse;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// The real executable: <c>actornet run</c> with the json parser quarantines lines, the configuration is fixed to
/// <c>parser = text</c>, and <c>actornet reparse --quarantine rejects --config FILE</c> moves them into the source's sink.
/// </summary>
public sealed class ReparseSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static string Config(string source, int port, TempDirectory directory, string parser) => $$"""
        actornet {
          http.enabled = off
          sources.{{source}} {
            port = {{port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = {{parser}}
            sinks = [ file ]
            quarantine = rejects
          }
          sinks {
            file { type = jsonl, path = "{{directory.File("frames.jsonl")}}", flush-interval = 50ms }
            rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 50ms }
          }
        }
        """;

    /// <summary>Runs <c>actornet run</c> with the json parser, sends <paramref name="lines"/> on one connection and stops it.</summary>
    private static async Task QuarantineAsync(string source, int port, TempDirectory directory, string config, byte[] lines, int quarantined)
    {
        await File.WriteAllTextAsync(config, Config(source, port, directory, "json"));
        using var run = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await run.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
        using (var peer = await Loopback.ConnectAsync(port))
        {
            await peer.SendAsync(lines, SocketFlags.None);
            await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("quarantine.jsonl")) == quarantined, Bound,
                () => $"{quarantined} quarantined, {JsonlRecords.Count(directory.File("quarantine.jsonl"))} so far{Environment.NewLine}{run.Output}");
        }
        await run.TerminateAsync();
        Assert.Equal(0, await run.WaitForExitAsync(Bound));
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> ReparseAsync(TempDirectory directory, params string[] arguments)
    {
        using var reparse = ActorNetProcess.Start(directory.Path, ["reparse", .. arguments]);
        var exitCode = await reparse.WaitForExitAsync(Bound);
        output.WriteLine($"actornet reparse {string.Join(' ', arguments)} exited with {exitCode}{Environment.NewLine}{reparse.Output}");
        return (exitCode, reparse.Stdout, reparse.Stderr);
    }

    [Fact]
    public async Task Reparse_moves_what_the_fixed_parser_accepts_keeps_what_it_rejects_and_a_second_run_changes_nothing()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse-exe");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        byte[] lines = [.. "{\"n\":1}\nplain text\n"u8, 0xC3, 0x28, (byte)'\n', .. "{\"n\":2}\n"u8];
        await QuarantineAsync(source, port, directory, config, lines, quarantined: 2);
        var quarantined = JsonlRecords.Read(directory.File("quarantine.jsonl"));
        var plain = quarantined.Single(q => q.GetProperty("raw").GetString() == Convert.ToBase64String("plain text"u8));

        // The fix: this source sends text, not JSON.
        await File.WriteAllTextAsync(config, Config(source, port, directory, "text"));
        var first = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config);

        Assert.Equal(ReparseCommand.SomeRemain, first.ExitCode);
        Assert.Contains("reparse: 1 reparsed, 1 still failing, 0 skipped (still failing: 1 invalid-utf8)", first.Stdout);
        var stored = JsonlRecords.Read(directory.File("frames.jsonl"));
        Assert.Equal(3, stored.Count);
        var moved = Assert.Single(stored, r => r.GetProperty("payload").ToString() == "plain text");
        foreach (var field in new[] { "source", "connection", "peer", "seq", "receivedAt" })
            Assert.Equal(plain.GetProperty(field).ToString(), moved.GetProperty(field).ToString());
        Assert.Equal(2, moved.GetProperty("seq").GetInt64());

        var framesBytes = await File.ReadAllBytesAsync(directory.File("frames.jsonl"));
        var second = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config);
        Assert.Equal(ReparseCommand.SomeRemain, second.ExitCode);
        Assert.Contains("reparse: 0 reparsed, 1 still failing, 0 skipped", second.Stdout);
        Assert.Equal(framesBytes, await File.ReadAllBytesAsync(directory.File("frames.jsonl")));

        // --since in the future leaves nothing to do: everything read is resolved, so exit 0.
        var future = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config, "--since", "2099-01-01T00:00:00Z");
        Assert.Equal(ReparseCommand.AllResolved, future.ExitCode);
        Assert.Contains("reparse: 0 reparsed, 0 still failing, 0 skipped", future.Stdout);
        var recent = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config, "--since", "2h");
        Assert.Contains("reparse: 0 reparsed, 1 still failing, 0 skipped", recent.Stdout);
    }

    [Fact]
    public async Task Errors_exit_1_naming_what_is_wrong()
    {
        using var directory = new TempDirectory();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, Config(TestConfig.UniqueSourceName("reparse-err"), Loopback.FreePort(), directory, "text"));

        var unknownSink = await ReparseAsync(directory, "--quarantine", "nowhere", "--config", config);
        Assert.Equal(ReparseCommand.Failed, unknownSink.ExitCode);
        Assert.Contains("--quarantine: \"nowhere\" is not a sink of the configuration", unknownSink.Stderr);

        var missingFile = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config);
        Assert.Equal(ReparseCommand.Failed, missingFile.ExitCode);
        Assert.Contains("quarantine.jsonl does not exist", missingFile.Stderr);

        var badSince = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config, "--since", "yesterday");
        Assert.NotEqual(ReparseCommand.AllResolved, badSince.ExitCode);
        Assert.Contains("--since: \"yesterday\" is neither an ISO-8601 instant", badSince.Stderr);
    }

    [Fact]
    public async Task A_reparse_killed_while_it_works_loses_no_entry_and_the_next_run_stores_the_rest()
    {
        const int Lines = 20_000;
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse-kill");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        var text = new StringBuilder();
        for (var i = 1; i <= Lines; i++) text.Append("line ").Append(i).Append('\n');
        await QuarantineAsync(source, port, directory, config, Encoding.UTF8.GetBytes(text.ToString()), quarantined: Lines);
        var quarantineBytes = await File.ReadAllBytesAsync(directory.File("quarantine.jsonl"));
        await File.WriteAllTextAsync(config, Config(source, port, directory, "text"));

        var sidecar = directory.File("quarantine.jsonl.reparse");
        bool killedWhileWorking;
        using (var reparse = ActorNetProcess.Start(directory.Path, "reparse", "--quarantine", "rejects", "--config", config))
        {
            await Eventually.TrueAsync(() => (File.Exists(sidecar) && new FileInfo(sidecar).Length > 0) || reparse.HasExited, Bound, () => reparse.Output);
            killedWhileWorking = !reparse.HasExited;
            if (killedWhileWorking) await reparse.KillAsync(Bound);
        }
        var storedAtKill = JsonlRecords.Count(directory.File("frames.jsonl"));
        output.WriteLine(killedWhileWorking
            ? $"killed with {storedAtKill} of {Lines} stored"
            : $"the first run finished before the kill ({storedAtKill} stored): checked as a kill after the run");

        var rest = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config);
        Assert.Equal(ReparseCommand.AllResolved, rest.ExitCode);

        // Nothing lost: the quarantine is untouched, every line is stored, and only lines of the chunk being worked on
        // when the kill came (at most 256: flushed but not yet marked) are stored twice.
        Assert.Equal(quarantineBytes, await File.ReadAllBytesAsync(directory.File("quarantine.jsonl")));
        var payloads = JsonlRecords.TextPayloads(directory.File("frames.jsonl"));
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i}"), payloads.Distinct().Order(StringComparer.Ordinal).OrderBy(p => int.Parse(p[5..])));
        Assert.InRange(payloads.Count - Lines, 0, 256);

        var again = await ReparseAsync(directory, "--quarantine", "rejects", "--config", config);
        Assert.Equal(ReparseCommand.AllResolved, again.ExitCode);
        Assert.Contains("reparse: 0 reparsed, 0 still failing, 0 skipped", again.Stdout);
        Assert.Equal(payloads.Count, JsonlRecords.Count(directory.File("frames.jsonl")));
    }
}
