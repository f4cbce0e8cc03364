using System.Text;
using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// The real executable stopped with SIGTERM while a peer is still streaming into a sqlite sink: the drain stops
/// reading, and every frame it read by then, counted in the connection-closed log line, is in the database.
/// </summary>
public sealed class SigtermIntoDatabaseSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const int StoredBeforeSignal = 3_000;

    [Fact]
    public async Task Every_frame_read_before_sigterm_is_stored_once_in_order_while_the_peer_keeps_sending()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("drain");
        var port = Loopback.FreePort();
        var database = directory.File("actornet.db");
        var config = directory.File("actornet.conf");
        // Quarantine into the same table: the line cut in half by the drain is stored too (as truncated), so the
        // table holds every frame the connection counted, 1..N, and nothing else.
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              shutdown-timeout = 10s
              # The connection-closed line (at debug) counts the frames read.
              log.levels.connection = debug
              sources.{{source}} {
                port = {{port}}
                framing { type = delimiter, delimiter = "\n" }
                parser = text
                ack.enabled = off
                sinks = [ store ]
                quarantine = store
              }
              sinks.store { type = sqlite, path = "{{database}}" }
            }
            """);

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
        using var peer = await NumberedLinePeer.StartAsync(port);

        // Thousands already committed, so the signal lands in the middle of a stream that is being stored.
        var storedBefore = await Eventually.ValueAsync(() => StoredRows.Read(database, source).Count, n => n >= StoredBeforeSignal || peer.Streaming.IsCompleted,
            Bound, $"{StoredBeforeSignal} rows stored before the signal");
        if (peer.Streaming.IsCompleted) Assert.Fail($"the peer stopped streaming before the signal: {await peer.Streaming}");
        var writtenBefore = peer.Written;

        await process.TerminateAsync();
        // Within shutdown-timeout (10 s) plus the 5 s the host allows itself to exit after the drain.
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{process.Output}");
        var handed = peer.Handed;

        var closed = ClosedLines(process.Stdout, source, peer.Name);
        Assert.True(closed.Count == 1, $"one connection-closed line for {peer.Name}, found {closed.Count}{Environment.NewLine}{process.Output}");
        var (reason, frames) = closed[0];
        Assert.Equal("ActorNet is stopping", reason);
        Assert.InRange(frames, storedBefore, handed);

        var rows = StoredRows.Read(database, source);
        output.WriteLine($"{storedBefore} rows stored and {writtenBefore} lines written at SIGTERM; the log counts {frames} frames read, " +
            $"the database holds {rows.Count} rows; the peer had handed {handed} lines to its socket");
        Assert.True(rows.Count == frames, $"{rows.Count} rows stored, {frames} frames read{Environment.NewLine}{process.Output}");
        Assert.Single(rows.Select(r => r.Connection).Distinct());
        Assert.Equal(Enumerable.Range(1, (int)frames).Select(n => (long)n), rows.Select(r => r.Seq).OrderBy(s => s));
        Assert.Equal(rows.Select(r => r.Seq).OrderBy(s => s), rows.Select(r => r.Seq));

        // Every frame but the last is a whole line; the last may be the line the drain cut (stored as a rejection).
        for (var i = 0; i < rows.Count - 1; i++)
            Assert.True(rows[i].Payload == NumberedLinePeer.Payload(i + 1), $"row {i + 1}: {rows[i]}");
        var last = rows[^1];
        if (last.Payload is not null)
        {
            Assert.Equal(NumberedLinePeer.Payload(frames), last.Payload);
        }
        else
        {
            var raw = Encoding.ASCII.GetString(last.Raw ?? []);
            Assert.True(raw.Length > 0 && NumberedLinePeer.Payload(frames).StartsWith(raw, StringComparison.Ordinal),
                $"the last row is a rejection ({last.Reason}) whose raw \"{raw}\" is not a prefix of {NumberedLinePeer.Payload(frames)}");
            output.WriteLine($"the last frame was cut by the drain: {last.Reason}, raw \"{raw}\"");
        }
    }

    private static List<(string Reason, long Frames)> ClosedLines(string stdout, string source, string peer)
    {
        var pattern = new Regex($@"Connection \d+ from {Regex.Escape(peer)} on source {Regex.Escape(source)} closed: (?<reason>.*) \((?<frames>\d+) frames\)$");
        return stdout.Split('\n')
            .Select(line => pattern.Match(line.TrimEnd('\r')))
            .Where(m => m.Success)
            .Select(m => (m.Groups["reason"].Value, long.Parse(m.Groups["frames"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }
}
