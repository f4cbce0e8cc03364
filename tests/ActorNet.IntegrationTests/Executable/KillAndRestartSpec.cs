using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// The real executable killed without warning (<c>kill -9</c>, the OOM killer, a power cut) while a peer streams with
/// acknowledgements on: an <c>ACK n</c> is a promise that frames 1..n survive, so after a restart they must be there.
/// </summary>
public sealed class KillAndRestartSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const long AcknowledgedBeforeKill = 3_000;

    [Fact]
    public async Task Every_frame_acknowledged_before_a_kill_9_is_in_the_database_after_a_restart()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("kill");
        // The restarted process listens on the same port: one no outgoing connection can take while it is down.
        var port = Loopback.FreePort();
        var database = directory.File("actornet.db");
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              sources.{{source}} {
                port = {{port}}
                framing { type = delimiter, delimiter = "\n" }
                parser = text
                ack.enabled = on
                sinks = [ store ]
                quarantine = rejects
              }
              sinks {
                store { type = sqlite, path = "{{database}}", spool-dir = "{{directory.File("spool")}}" }
                rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 50ms }
              }
            }
            """);

        long highestAck, handed;
        string killedOutput;
        using (var first = ActorNetProcess.Start(directory.Path, "run", "--config", config))
        {
            await first.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
            using var peer = await NumberedLinePeer.StartAsync(port);
            await Eventually.TrueAsync(() => peer.HighestAck >= AcknowledgedBeforeKill || peer.Streaming.IsCompleted, Bound,
                () => $"ACK {AcknowledgedBeforeKill} or more; highest ACK {peer.HighestAck}, {peer.Written} lines written{Environment.NewLine}{first.Output}");
            if (peer.Streaming.IsCompleted) Assert.Fail($"the peer stopped streaming before the kill: {await peer.Streaming}");

            await first.KillAsync(Bound);

            // The kill resets the connection: both loops end, and nothing more can be acknowledged.
            var streamEnd = await peer.Streaming.WaitAsync(Bound);
            await peer.Reading.WaitAsync(Bound);
            highestAck = peer.HighestAck;
            handed = peer.Handed;
            killedOutput = first.Output;
            Assert.Empty(peer.Unexpected);
            output.WriteLine($"killed with SIGKILL: highest ACK {highestAck}, {peer.Written} lines written, {handed} handed to the socket; the peer stopped on {streamEnd}");
        }

        Assert.InRange(highestAck, AcknowledgedBeforeKill, handed);
        var storedAtKill = StoredRows.Read(database, source).Count;
        var spooled = Directory.Exists(directory.File("spool")) ? Directory.EnumerateFiles(directory.File("spool"), "*", SearchOption.AllDirectories).Count() : 0;
        output.WriteLine($"at the kill: {storedAtKill} rows in the database, {spooled} file(s) under spool-dir");

        // Same configuration, same files: it must start, replaying a spool if the kill left one.
        using var restarted = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await restarted.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
        if (restarted.Stdout.Contains("Sink store found", StringComparison.Ordinal))
            await restarted.WaitForOutputAsync("Sink store is writing again", Bound);

        // Nothing new arrives, so the database can only gain a replayed spool: polled until complete or the bound.
        var missing = Array.Empty<long>();
        IReadOnlyList<StoredRow> rows = [];
        await Eventually.TrueAsync(() =>
        {
            rows = StoredRows.Read(database, source);
            missing = Missing(rows, highestAck);
            return missing.Length == 0;
        }, Bound, () => $"every acknowledged frame stored after the restart; {missing.Length} of the {highestAck} missing " +
            $"(first: {string.Join(", ", missing.Take(10).Select(NumberedLinePeer.Payload))}), {rows.Count} rows stored" +
            $"{Environment.NewLine}--- killed process ---{Environment.NewLine}{killedOutput}" +
            $"{Environment.NewLine}--- restarted process ---{Environment.NewLine}{restarted.Output}");

        // Nothing is invented either: every row is a line the peer sent.
        var numbers = rows.Select(r => Number(r.Payload)).ToList();
        Assert.All(numbers, n => Assert.InRange(n, 1, handed));
        output.WriteLine($"after the restart: {rows.Count} rows, {numbers.Distinct().Count()} distinct lines, all of 1..{highestAck} present");

        await restarted.TerminateAsync();
        var exitCode = await restarted.WaitForExitAsync(Bound);
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{restarted.Output}");
    }

    private static long[] Missing(IReadOnlyList<StoredRow> rows, long highestAck)
    {
        var stored = rows.Select(r => r.Payload).ToHashSet();
        var missing = new List<long>();
        for (var n = 1L; n <= highestAck; n++)
            if (!stored.Contains(NumberedLinePeer.Payload(n))) missing.Add(n);
        return [.. missing];
    }

    private static long Number(string? payload) =>
        payload is not null && payload.StartsWith("frame-", StringComparison.Ordinal) && long.TryParse(payload.AsSpan(6), out var n) ? n : -1;
}
