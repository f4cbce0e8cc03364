using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Http;
using ActorNet.Http.Dashboard;
using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Support;
using ActorNet.Hosting;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// ActorNet in the TestKit's actor system with one tcp-listen source on a free loopback port, and its operations
/// server (<see cref="ActorNetHttpServer"/>, started the embedding way: after ActorNet) on a port the kernel picks.
/// Source and sink names carry a suffix no other test uses: the meter is process-wide, so a test reads only the
/// series labelled with its own names.
/// By default the source writes to <see cref="RecordingSink"/>s (<see cref="DataSink"/>, <see cref="QuarantineSink"/>);
/// sink type <c>failing</c> is a <see cref="FailingSink"/>.
/// </summary>
public abstract class HttpTestKit : TestKit, IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private ActorNetHttpServer? _server;
    private ActorNetSettings? _settings;
    private ILoggerFactory? _loggerFactory;

    protected HttpTestKit() : base(ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING")
    {
    }

    protected string SourceName => $"http-{_suffix}";
    protected string DataSink => $"data-{_suffix}";
    protected string QuarantineSink => $"quarantine-{_suffix}";
    protected int Port { get; } = Loopback.FreePort();
    protected ConcurrentQueue<SeenRecord> Data { get; } = new();
    protected ConcurrentQueue<SeenRecord> Quarantine { get; } = new();

    /// <summary>When set before start, the data sink waits for it to be open (a count above 0) before each batch.</summary>
    protected SemaphoreSlim? DataGate { get; set; }
    protected ActorNetService Service { get; private set; } = null!;

    /// <summary>What the operations server logs (its own events and Kestrel's, Information and above).</summary>
    protected LogCollector ServerLog { get; } = new();

    /// <summary>A client of the operations server, without any token.</summary>
    protected HttpClient Http { get; private set; } = null!;

    /// <summary>The operations server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    protected Uri Address => _server!.Address;

    /// <param name="sourceSettings">Source keys (framing, parser, limits), one per line.</param>
    /// <param name="adminToken">actornet.http.admin-token; empty for none.</param>
    /// <param name="sinks">
    /// The source's sink keys and the sinks block, replacing the recording sinks, e.g.
    /// <c>("sinks = [ db ], quarantine = db", "db { type = postgres, ... }")</c>.
    /// </param>
    /// <param name="tailLimits">Bounds of /ws/tail; the defaults when null.</param>
    /// <param name="httpKeys">More keys of actornet.http, e.g. <c>allowed-origins = [ "https://a.example" ]</c>.</param>
    /// <param name="moreSources">More entries of actornet.sources besides the kit's tcp-listen one.</param>
    private protected async Task StartAsync(string sourceSettings = "", string adminToken = "", (string SourceKeys, string Block)? sinks = null,
        LiveTailLimits? tailLimits = null, string httpKeys = "", string moreSources = "")
    {
        StartActorNet(sourceSettings, adminToken, sinks, httpKeys, moreSources);
        await StartServerAsync(tailLimits);
    }

    /// <summary>ActorNet alone, as <see cref="StartAsync"/> starts it; <see cref="StartServerAsync"/> adds the server.</summary>
    protected void StartActorNet(string sourceSettings = "", string adminToken = "", (string SourceKeys, string Block)? sinks = null, string httpKeys = "",
        string moreSources = "")
    {
        var options = new ActorNetOptions()
            .AddSinkType("recording", _ => new RecordingSink(Data, DataGate))
            .AddSinkType("recording-quarantine", _ => new RecordingSink(Quarantine))
            .AddSinkType("failing", _ => new FailingSink());
        var (sourceKeys, block) = sinks ?? ($"sinks = [ {DataSink} ], quarantine = {QuarantineSink}",
            $"{DataSink} {{ type = recording }}\n{QuarantineSink} {{ type = recording-quarantine }}");
        var config = ActorNetSettings.ParseOverlay($$"""
            actornet {
              http { enabled = on, port = 0, admin-token = "{{adminToken}}"
                {{httpKeys}}
              }
              sources.{{SourceName}} {
                type = tcp-listen, host = 127.0.0.1, port = {{Port}}
                {{sourceKeys}}
                {{sourceSettings}}
              }
              sources {
                {{moreSources}}
              }
              sinks {
                {{block}}
              }
            }
            """);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        Service = ActorNetService.Start(Sys, settings, options, "actornet");
        _settings = settings;
    }

    /// <summary>The operations server of the ActorNet that <see cref="StartActorNet"/> started.</summary>
    private protected async Task StartServerAsync(LiveTailLimits? tailLimits = null)
    {
        _loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(ServerLog));
        _server = await ActorNetHttpServer.StartAsync(Service, _settings!.Http, null, _loggerFactory, tailLimits ?? LiveTailLimits.Default,
            CancellationToken.None);
        Http = new HttpClient { BaseAddress = _server.Address, Timeout = Bound };
    }

    /// <summary><paramref name="pathAndQuery"/> on the operations server as a <c>ws://</c> address.</summary>
    protected Uri WebSocketUri(string pathAndQuery) => new UriBuilder(new Uri(Address, pathAndQuery)) { Scheme = "ws" }.Uri;

    protected async Task<PrometheusScrape> ScrapeAsync()
    {
        using var response = await Http.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes until the series <paramref name="name"/> of this test's source has <paramref name="expected"/>, and returns that scrape.</summary>
    protected Task<PrometheusScrape> AwaitSourceMetricAsync(string name, double expected, params (string Label, string Value)[] more) =>
        PollAsync(ScrapeAsync, scrape => scrape.Value(name, [("source", SourceName), .. more]) == expected,
            scrape => $"{name}{{source={SourceName}{string.Concat(more.Select(m => $",{m.Label}={m.Value}"))}}} = {expected}; this source's series:\n"
                + string.Join('\n', scrape.WithLabel("source", SourceName).Select(s => $"{s.Name} {string.Join(',', s.Labels)} {s.Value}")));

    /// <summary>
    /// Reads (an HTTP answer, a scrape) until <paramref name="accept"/> holds and returns that reading; fails past
    /// <see cref="Bound"/> with <paramref name="describe"/> of the last one.
    /// </summary>
    protected static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> accept, Func<T, string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (accept(value)) return value;
            if (clock.Elapsed > Bound) throw new XunitException($"Not true within {Bound.TotalSeconds} s: {describe(value)}");
            await Task.Delay(20);
        }
    }

    protected Task<Socket> ConnectAsync() => Loopback.ConnectAsync(Port);

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        _loggerFactory?.Dispose();
    }
}
