using System.Net.Sockets;
using ActorNet.IntegrationTests.EndToEnd;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>The real executable stopped the way systemd and <c>docker stop</c> stop it.</summary>
public sealed class GracefulStopSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_delivers_and_flushes_every_frame_read_and_exits_0()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("sigterm");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        // Flushing hourly into a 16 MiB buffer: only the shutdown flush can put these frames in the files.
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            sinkSettings: "flush-interval = 1h, buffer-size = 16 MiB", actornetSettings: "shutdown-timeout = 10s"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);

        // Four peers that finish: the server closing them proves it read every byte.
        var finished = await TrafficSender.SendAsync(port, Enumerable.Range(0, 4).Select(i => Lines(i, 500, invalidLast: false)).ToArray(), Bound);

        // One peer still connected at SIGTERM. Its last line is invalid UTF-8, and the warning logged when that line
        // is quarantined proves everything before it was read too.
        var lingering = Lines(4, 300, invalidLast: true);
        using var open = await Loopback.ConnectAsync(port);
        await open.SendAsync(lingering.Stream, SocketFlags.None);
        await process.WaitForOutputAsync(line => line.Contains("Quarantined") && line.Contains(open.PeerName()),
            $"the warning that {open.PeerName()}'s last line was quarantined", Bound);

        Assert.Equal(0, JsonlRecords.Count(directory.File("frames.jsonl")));
        await process.TerminateAsync();

        // Within shutdown-timeout (10 s) plus the 5 s the host allows itself to exit after the drain.
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{process.Output}");
        var peers = new Dictionary<string, PeerTraffic>(finished) { [open.PeerName()] = lingering };
        new IngestionVerifier(source, ExpectedPayload.Text)
            .CheckRecords(peers, JsonlRecords.Read(directory.File("frames.jsonl")), JsonlRecords.Read(directory.File("quarantine.jsonl")))
            .ThrowIfAnyProblem();
    }

    private static PeerTraffic Lines(int peer, int count, bool invalidLast)
    {
        var random = new Random(4_000 + peer);
        var frames = Enumerable.Range(0, count)
            .Select(i => FrameContent.Utf8.GetBytes($"peer {peer} line {i} {FrameContent.Text(random, 20)}"))
            .Select(line => SentFrame.Good(line, [.. line, (byte)'\n']))
            .ToList();
        if (invalidLast)
        {
            var bad = FrameContent.WithInvalidUtf8(random, $"peer {peer} bad ", " end");
            frames.Add(SentFrame.Bad(bad, [.. bad, (byte)'\n'], "invalid-utf8"));
        }
        return new PeerTraffic(4_000 + peer, frames);
    }
}
