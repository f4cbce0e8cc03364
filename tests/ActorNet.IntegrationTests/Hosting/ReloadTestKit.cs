using System.Collections.Concurrent;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Hosting.Reload;
using ActorNet.Http;
using ActorNet.Http.Dashboard;
using ActorNet.IntegrationTests.Support;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Hosting;

/// <summary>
/// ActorNet in the TestKit's actor system, started from a real configuration file that a test rewrites and then
/// reloads (<see cref="ActorNetService.ReloadAsync"/> directly, or <c>POST /api/reload</c> through the operations
/// server of <see cref="StartServerAsync"/>). Sources and sinks are jsonl files in the test's own directory; names
/// carry a suffix no other test uses, since the meter is process-wide.
/// </summary>
public abstract class ReloadTestKit : TestKit, IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentBag<StreamingPeer> _peers = [];
    private ActorNetHttpServer? _server;
    private ILoggerFactory? _loggerFactory;
    private bool _drained;

    protected ReloadTestKit() : base(ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING")
    {
    }

    protected TempDirectory Directory { get; } = new();
    protected string ConfigFile => Directory.File("actornet.conf");
    protected ActorNetService Service { get; private set; } = null!;

    /// <summary>A client of the operations server (after <see cref="StartServerAsync"/>), without any token.</summary>
    protected HttpClient Http { get; private set; } = null!;

    /// <summary><paramref name="name"/> with this test's suffix: the name of a source or sink in the configuration.</summary>
    protected string Named(string name) => $"{name}-{_suffix}";

    /// <summary>The jsonl file of sink <paramref name="sink"/> (as <see cref="Sink"/> writes it).</summary>
    protected string FileOf(string sink) => Directory.File($"{sink}.jsonl");

    /// <summary>A tcp-listen text source on 127.0.0.1:<paramref name="port"/> into <paramref name="sinks"/>, rejects into <c>rejects</c>.</summary>
    protected string Source(string name, int port, string sinks, string more = "") =>
        $"{Named(name)} {{\n port = {port}, parser = text, sinks = [ {string.Join(", ", sinks.Split(',', StringSplitOptions.TrimEntries).Select(Named))} ], quarantine = {Named("rejects")}\n {more}\n}}";

    /// <summary>A jsonl sink writing to <see cref="FileOf"/>(<paramref name="name"/>), flushed every 50 ms unless <paramref name="more"/> says otherwise.</summary>
    protected string Sink(string name, string more = "flush-interval = 50ms") =>
        $"{Named(name)} {{ type = jsonl, path = \"{FileOf(name)}\", {more} }}";

    /// <summary>The whole file: <paramref name="sources"/> and <paramref name="sinks"/> (a <c>rejects</c> sink is always added).</summary>
    protected static string Config(IEnumerable<string> sources, IEnumerable<string> sinks, string top = "") => $$"""
        actornet {
          {{top}}
          sources {
            {{string.Join("\n", sources)}}
          }
          sinks {
            {{string.Join("\n", sinks)}}
          }
        }
        """;

    /// <summary>Writes <paramref name="hocon"/> to the configuration file and starts ActorNet from that file, reloadable from it.</summary>
    protected void Start(string hocon, bool reloadable = true)
    {
        File.WriteAllText(ConfigFile, hocon);
        var options = new ActorNetOptions();
        if (reloadable) options.ReloadFrom(() => ActorNetSettings.ParseOverlayFile(ConfigFile));
        Service = ActorNetService.Start(Sys, ActorNetSettings.Create(ActorNetSettings.ParseOverlayFile(ConfigFile)), options);
    }

    /// <summary>Rewrites the configuration file (a reload reads it).</summary>
    protected static void Rewrite(string path, string hocon) => File.WriteAllText(path, hocon);

    protected async Task<ReloadResult> ReloadAsync(string hocon)
    {
        Rewrite(ConfigFile, hocon);
        return await Service.ReloadAsync("test").WaitAsync(Bound);
    }

    /// <summary>The shutdown drain (done once; dispose does it unless a test did).</summary>
    protected async Task DrainAsync()
    {
        if (_drained) return;
        _drained = true;
        await Service.DrainAsync(Bound);
    }

    protected async Task StartServerAsync()
    {
        _loggerFactory = LoggerFactory.Create(_ => { });
        _server = await ActorNetHttpServer.StartAsync(Service, Service.Settings.Http, null, _loggerFactory, LiveTailLimits.Default, CancellationToken.None);
        Http = new HttpClient { BaseAddress = _server.Address, Timeout = Bound };
    }

    protected async Task<StreamingPeer> StreamAsync(int port, string name)
    {
        var peer = await StreamingPeer.StartAsync(port, Named(name));
        _peers.Add(peer);
        return peer;
    }

    /// <summary>Waits until ActorNet has read (counted) at least <paramref name="frames"/> frames of source <paramref name="source"/>.</summary>
    protected Task AwaitReadAsync(string source, long frames) =>
        Eventually.TrueAsync(() => Service.Status.Source(Named(source))?.FramesReceived >= frames, Bound,
            () => $"source {Named(source)} has read {frames} frames; it has read {Service.Status.Source(Named(source))?.FramesReceived}");

    /// <summary>
    /// Fails unless the stored lines of <paramref name="peer"/> in <paramref name="file"/> are exactly 1..<paramref name="count"/>,
    /// each once (waiting for a flush to catch up).
    /// </summary>
    protected static async Task AssertStoredExactlyOnceAsync(string file, string peer, long count)
    {
        IReadOnlyList<long> stored = [];
        await Eventually.TrueAsync(() => (stored = Numbers(file, peer)).Count >= count, Bound,
            () => $"{count} lines of {peer} in {file}; {stored.Count} there");
        AssertPrefix(stored, peer, count);
    }

    /// <summary>Fails unless the stored lines of <paramref name="peer"/> are 1..n for some n (no gap, no repeat); returns n.</summary>
    protected static long AssertStoredPrefix(string file, string peer)
    {
        var stored = Numbers(file, peer);
        AssertPrefix(stored, peer, stored.Count);
        return stored.Count;
    }

    private static void AssertPrefix(IReadOnlyList<long> stored, string peer, long count)
    {
        var duplicates = stored.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToArray();
        if (duplicates.Length > 0) throw new XunitException($"{peer}: stored more than once: {string.Join(", ", duplicates)}");
        var missing = Enumerable.Range(1, (int)count).Select(n => (long)n).Except(stored).Take(5).ToArray();
        if (missing.Length > 0) throw new XunitException($"{peer}: {stored.Count} stored, missing {string.Join(", ", missing)} of 1..{count}");
        Assert.Equal(count, stored.Count);
    }

    private static IReadOnlyList<long> Numbers(string file, string peer) =>
        JsonlRecords.TextPayloads(file).Where(p => p.StartsWith(peer + "-", StringComparison.Ordinal))
            .Select(p => long.Parse(p.AsSpan(peer.Length + 1), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var peer in _peers) await peer.DisposeAsync();
        Http?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        _loggerFactory?.Dispose();
        if (Service is not null) await DrainAsync();
        Directory.Dispose();
    }
}
