using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorNet.Connections;
using ActorNet.IntegrationTests.EndToEnd;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// The real executable with fewer file descriptors than max-connections allows peers. Before the descriptor budget,
/// 1,500 peers against <c>prlimit --nofile=1024</c> made the runtime abort ("Out of memory.", SIGABRT) in most runs.
/// </summary>
public sealed partial class DescriptorLimitSpec
{
    private const int Limit = 1024;
    private const int Peers = 1_100;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [PrlimitFact]
    public async Task Peers_past_the_descriptor_limit_are_refused_and_counted_the_process_keeps_serving_and_serves_newcomers_once_peers_leave()
    {
        // This process holds the 1,100 client sockets: it needs more than the server it tests.
        var own = DescriptorLimit.RaiseAndRead();
        Assert.True(own is null || own.Value.Limit >= Peers + 500, $"the test process may open {own?.Limit} descriptors; it needs {Peers + 500}");

        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("fds");
        var port = Loopback.FreePort();
        var httpPort = Loopback.FreePort();
        var frames = directory.File("frames.jsonl");
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource(source, port, directory, "max-connections = 5000, parser = text",
            actornetSettings: $"http {{ enabled = on, port = {httpPort} }}"));

        using var process = ActorNetProcess.StartWithFileLimit(Limit, directory.Path, "run", "--config", config);
        await process.WaitForOutputAsync($"Source {source} listening on 127.0.0.1:{port}", Bound);
        await process.WaitForOutputAsync($"HTTP endpoints listening on http://127.0.0.1:{httpPort}/", Bound);
        // The start-up warning names the cap; every number below follows from it.
        var warning = process.Stdout.Split('\n').Single(l => l.Contains("File descriptor limit 1024 (RLIMIT_NOFILE) cannot hold max-connections 5000"));
        var cap = int.Parse(CapPattern().Match(warning).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(cap, 100, Peers - 100);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var peers = new List<Socket>();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Peers && clock.Elapsed < Bound; i++) peers.Add(await Loopback.ConnectAsync(port));
            Assert.Equal(Peers, peers.Count);

            var scrape = await PollAsync(http, s => Sum(s, "actornet_connections_accepted_total") + Sum(s, "actornet_connections_rejected_total") == Peers,
                $"{Peers} peers accepted or refused");
            Assert.Equal(cap, Sum(scrape, "actornet_connections_accepted_total"));
            Assert.Equal(Peers - cap, scrape.Value("actornet_connections_rejected_total", ("source", source), ("reason", "fd-limit")));
            Assert.Null(scrape.Value("actornet_accept_failures_total", ("source", source), ("reason", "fd-limit")));
            var openFds = Directory.GetFileSystemEntries($"/proc/{process.Id}/fd").Length;
            Assert.True(openFds <= Limit - 100, $"{openFds} of {Limit} descriptors open at the cap: the reserve was eaten");

            // The refused are closed by the server; the admitted still store frames.
            await Eventually.TrueAsync(() => peers.Count(p => p.IsClosedByServer()) == Peers - cap, Bound,
                () => $"{Peers - cap} peers closed by the server; {peers.Count(p => p.IsClosedByServer())}");
            var admitted = peers.Where(p => !p.IsClosedByServer()).ToList();
            for (var i = 0; i < admitted.Count; i++) await admitted[i].SendAsync(Line($"admitted {i}"), SocketFlags.None);
            await Eventually.TrueAsync(() => JsonlRecords.Count(frames) == cap, Bound, () => $"{cap} records; {JsonlRecords.Count(frames)}");

            foreach (var peer in peers) peer.Dispose();
            peers.Clear();
            await PollAsync(http, s => s.Value("actornet_connections_active", ("source", source)) == 0, "no connection active");

            for (var i = 0; i < 20; i++) peers.Add(await Loopback.ConnectAsync(port));
            for (var i = 0; i < peers.Count; i++) await peers[i].SendAsync(Line($"newcomer {i}"), SocketFlags.None);
            await Eventually.TrueAsync(() => JsonlRecords.Count(frames) == cap + 20, Bound, () => $"{cap + 20} records; {JsonlRecords.Count(frames)}");
            Assert.All(peers, p => Assert.False(p.IsClosedByServer(), "a newcomer was refused after the peers left"));
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"newcomer {i}").Order(),
                JsonlRecords.TextPayloads(frames).Where(t => t.StartsWith("newcomer", StringComparison.Ordinal)).Order());
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }

        await process.TerminateAsync();
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{process.Output}");
        Assert.DoesNotContain("Out of memory", process.Stderr + process.Stdout, StringComparison.Ordinal);
    }

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    private static double Sum(PrometheusScrape scrape, string name) => scrape.Samples.Where(s => s.Name == name).Sum(s => s.Value);

    private static Task<PrometheusScrape> PollAsync(HttpClient http, Func<PrometheusScrape, bool> accept, string awaited) =>
        PrometheusScrape.PollAsync(http, accept, awaited, Bound);

    [GeneratedRegex(@"at most (\d+) peers")]
    private static partial Regex CapPattern();
}
