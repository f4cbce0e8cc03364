using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>The real executable with <c>actornet.http.enabled</c>: <c>run</c> serves the endpoints, <c>status</c> reads them.</summary>
public sealed partial class RunWithHttpSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_serves_health_and_metrics_and_status_shows_its_peer_until_sigterm()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("http-run");
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: "http { enabled = on, port = 0 }"));

        using var process = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync("HTTP endpoints listening on http://127.0.0.1:", Bound);
        var url = new Uri(ListeningUrl().Match(process.Stdout).Groups[1].Value);
        using var http = new HttpClient { BaseAddress = url, Timeout = Bound };

        using var peer = await Loopback.ConnectAsync(port);
        await peer.SendAsync("hello\n"u8.ToArray(), SocketFlags.None);
        await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1, Bound, () => process.Output);

        using (var ready = await http.GetAsync("/health/ready")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var metrics = PrometheusScrape.Parse(await http.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Value("actornet_frames_received_total", ("source", source)));
        Assert.Equal(6, metrics.Value("actornet_bytes_received_total", ("source", source)));

        using (var status = ActorNetProcess.Start(directory.Path, "status", "--url", url.ToString()))
        {
            Assert.True(await status.WaitForExitAsync(Bound) == 0, status.Output);
            Assert.Contains(status.Stdout.Split(Environment.NewLine), line => line.StartsWith(source + " ", StringComparison.Ordinal));
            Assert.Contains(peer.PeerName(), status.Stdout);
        }

        await process.TerminateAsync();
        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        // The endpoints stop only after the drain, so that health and metrics answer while ActorNet drains.
        var lines = process.Stdout.Split(Environment.NewLine).ToList();
        var drained = lines.FindIndex(l => l.Contains("Drained: every frame read was delivered", StringComparison.Ordinal));
        var stopped = lines.FindIndex(l => l.Contains($"HTTP endpoints on {url} stopped", StringComparison.Ordinal));
        Assert.True(drained >= 0 && stopped > drained, process.Output);
    }

    [GeneratedRegex(@"HTTP endpoints listening on (http://\S+/)")]
    private static partial Regex ListeningUrl();
}
