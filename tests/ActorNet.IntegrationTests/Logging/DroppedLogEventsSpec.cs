using System.Net.Sockets;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using ActorNet.IntegrationTests.Tools;
using Xunit;

namespace ActorNet.IntegrationTests.Logging;

/// <summary>
/// The real executable with its standard output on a pipe nobody reads (a stalled terminal or journald): log events
/// past log.queue-size are dropped and counted in /metrics, and ingestion goes on meanwhile.
/// </summary>
public sealed class DroppedLogEventsSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Events_an_output_that_cannot_keep_up_drops_are_counted_and_peers_are_served_meanwhile()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("log-drops");
        var port = Loopback.FreePort();
        var httpPort = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        // Each connection logs two lines at debug; a pipe (64 KiB) and a queue of 20 hold a few hundred of them.
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "parser = text",
            actornetSettings: $"http {{ enabled = on, port = {httpPort} }}\nlog {{ queue-size = 20, levels.connection = debug }}"));

        using var process = StalledOutputProcess.Start(directory.Path, "run", "--config", config);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        // Standard output is not read, so readiness is the metrics endpoint's answer.
        var first = await ScrapeWhenAsync(http, s => s.Value("actornet_log_events_dropped_total", ("output", "console")) is not null,
            "the console's series", () => process.Stderr);
        Assert.Equal(0, first.Value("actornet_log_events_dropped_total", ("output", "console")));
        Assert.Null(first.Value("actornet_log_events_dropped_total", ("output", "file")));

        for (var i = 0; i < 1_000; i++)
        {
            using var peer = await Loopback.ConnectAsync(port);
            await peer.SendAsync(System.Text.Encoding.ASCII.GetBytes($"line {i}\n"), SocketFlags.None);
        }

        // Every line stored although the log could not be written: the actors never waited for it.
        await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1_000, Bound,
            () => $"1000 records; {JsonlRecords.Count(directory.File("frames.jsonl"))}; stderr:\n{process.Stderr}");
        var scrape = await ScrapeWhenAsync(http, s => s.Value("actornet_log_events_dropped_total", ("output", "console")) > 0,
            "dropped console events counted", () => process.Stderr);
        var dropped = scrape.Value("actornet_log_events_dropped_total", ("output", "console"))!.Value;
        // 2,000 connection lines were logged; at most the pipe's and the queue's worth got through.
        Assert.InRange(dropped, 1_000, 2_100);

        // Once the output is read again, events go through and the count stays where it was.
        process.ReadOutput();
        using (var late = await Loopback.ConnectAsync(port))
            await late.SendAsync("late\n"u8.ToArray(), SocketFlags.None);
        await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1_001, Bound);
        var after = await ScrapeWhenAsync(http, _ => true, "a scrape", () => process.Stderr);
        Assert.True(after.Value("actornet_log_events_dropped_total", ("output", "console")) >= dropped);
    }

    private static Task<PrometheusScrape> ScrapeWhenAsync(HttpClient http, Func<PrometheusScrape, bool> accept, string awaited, Func<string> stderr) =>
        PrometheusScrape.PollAsync(http, accept, awaited, Bound, () => $"stderr:\n{stderr()}");
}
