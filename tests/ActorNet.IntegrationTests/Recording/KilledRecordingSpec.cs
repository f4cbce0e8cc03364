using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>
/// The real executable recording while peers stream, killed with SIGKILL: <c>actornet replay</c> replays its recording
/// up to the last whole record, and reports a torn tail instead of failing on it.
/// </summary>
public sealed class KilledRecordingSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_recording_cut_by_kill_9_replays_up_to_its_last_whole_record()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("record-kill");
        var port = Loopback.FreePort();
        var recordings = directory.File("recordings");
        var config = directory.File("live.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory,
            $$"""record { enabled = on, dir = "{{recordings}}" }"""));

        using var stop = new CancellationTokenSource();
        Task[] peers;
        using (var live = ActorNetProcess.Start(directory.Path, "run", "--config", config))
        {
            await live.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
            peers = Enumerable.Range(1, 3).Select(p => StreamAsync(port, p, stop.Token)).ToArray();
            await Eventually.TrueAsync(() => RecordedBytes(recordings) > 256 * 1024, Bound,
                () => $"256 KiB recorded; {RecordedBytes(recordings)} bytes so far{Environment.NewLine}{live.Output}");
            await live.KillAsync(Bound);
        }
        stop.Cancel();
        await Task.WhenAll(peers).WaitAsync(Bound);

        // Whatever the kill left, cut the newest file inside its last record too, as a write torn by the kill would.
        var newest = Directory.EnumerateFiles(recordings, "*.anrec", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last();
        using (var file = new FileStream(newest, FileMode.Open, FileAccess.ReadWrite)) file.SetLength(file.Length - 3);

        using var replayed = new TempDirectory();
        var replayConfig = directory.File("replay.conf");
        await File.WriteAllTextAsync(replayConfig, TestConfig.OneSource(source, port, replayed, ""));
        using var replay = ActorNetProcess.Start(directory.Path, "replay", recordings, "--config", replayConfig, "--speed", "max");
        Assert.Equal(0, await replay.WaitForExitAsync(Bound));
        output.WriteLine(replay.Output);
        Assert.Contains("torn tail", replay.Stderr, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(newest), replay.Stderr, StringComparison.Ordinal);

        // Every connection's frames come back numbered 1..n in the order its peer sent them, with no gap.
        var frames = JsonlRecords.Read(replayed.File("frames.jsonl"));
        Assert.True(frames.Count > 1000, $"{frames.Count} frames replayed");
        foreach (var connection in frames.GroupBy(f => f.GetProperty("connection").GetInt64()))
        {
            var ordered = connection.OrderBy(f => f.GetProperty("seq").GetInt64()).ToArray();
            var peer = ordered[0].GetProperty("payload").GetString()!.Split(' ')[0];
            for (var i = 0; i < ordered.Length; i++)
            {
                Assert.Equal(i + 1, ordered[i].GetProperty("seq").GetInt64());
                Assert.Equal($"{peer} {i + 1}", ordered[i].GetProperty("payload").GetString());
            }
        }
        // A frame cut by the kill was never closed by its peer in the recording: nothing is made up for it.
        Assert.DoesNotContain(JsonlRecords.Read(replayed.File("quarantine.jsonl")), r => r.GetProperty("reason").GetString() == "truncated");
    }

    private static long RecordedBytes(string recordings) =>
        Directory.Exists(recordings) ? Directory.EnumerateFiles(recordings, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>Writes "p{peer} {n}" lines until cancelled or the server goes away.</summary>
    private static async Task StreamAsync(int port, int peer, CancellationToken stop)
    {
        Socket? socket = null;
        var random = new Random(peer);
        var pending = new StringBuilder();
        try
        {
            // Inside the try: on a loaded machine the other peers may fill the 256 KiB and the kill may come while
            // this one still connects (CI saw its connect reset).
            socket = await Loopback.ConnectAsync(port);
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                pending.Append($"p{peer} {n}\n");
                if (random.Next(8) != 0) continue;
                await socket.SendAsync(Encoding.UTF8.GetBytes(pending.ToString()), SocketFlags.None, stop);
                pending.Clear();
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // The kill resets the connection, or the test is over.
        }
        finally
        {
            socket?.Dispose();
        }
    }
}
