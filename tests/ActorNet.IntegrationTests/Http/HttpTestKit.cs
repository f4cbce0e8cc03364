using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Http;
using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Support;
using ActorNet.Pipeline;
using Akka.TestKit.Xunit2;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// ActorNet in the TestKit's actor system with one tcp-listen source on a free loopback port, and its operations
/// server (<see cref="ActorNetHttpServer"/>) on a port the kernel picks. Source and sink names carry a suffix no
/// other test uses: the meter is process-wide, so a test reads only the series labelled with its own names.
/// By default the source writes to <see cref="RecordingSink"/>s (<see cref="DataSink"/>, <see cref="QuarantineSink"/>).
/// </summary>
public abstract class HttpTestKit : TestKit, IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private ActorNetHttpServer? _server;

    protected HttpTestKit() : base(ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING")
    {
    }

    protected string SourceName => $"http-{_suffix}";
    protected string DataSink => $"data-{_suffix}";
    protected string QuarantineSink => $"quarantine-{_suffix}";
    protected int Port { get; } = Loopback.FreePort();
    protected ConcurrentQueue<SeenRecord> Data { get; } = new();
    protected ConcurrentQueue<SeenRecord> Quarantine { get; } = new();
    protected ActorNetService Service { get; private set; } = null!;

    /// <summary>A client of the operations server, without any token.</summary>
    protected HttpClient Http { get; private set; } = null!;

    /// <param name="sourceSettings">Source keys (framing, parser, limits), one per line.</param>
    /// <param name="adminToken">actornet.http.admin-token; empty for none.</param>
    /// <param name="sinks">
    /// The source's sink keys and the sinks block, replacing the recording sinks, e.g.
    /// <c>("sinks = [ db ], quarantine = db", "db { type = postgres, ... }")</c>.
    /// </param>
    protected async Task StartAsync(string sourceSettings = "", string adminToken = "", (string SourceKeys, string Block)? sinks = null)
    {
        var options = new ActorNetOptions()
            .AddSinkType("recording", _ => new RecordingSink(Data))
            .AddSinkType("recording-quarantine", _ => new RecordingSink(Quarantine));
        var (sourceKeys, block) = sinks ?? ($"sinks = [ {DataSink} ], quarantine = {QuarantineSink}",
            $"{DataSink} {{ type = recording }}\n{QuarantineSink} {{ type = recording-quarantine }}");
        var config = ActorNetSettings.ParseOverlay($$"""
            actornet {
              http { enabled = on, port = 0, admin-token = "{{adminToken}}" }
              sources.{{SourceName}} {
                type = tcp-listen, host = 127.0.0.1, port = {{Port}}
                {{sourceKeys}}
                {{sourceSettings}}
              }
              sinks {
                {{block}}
              }
            }
            """);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        Service = ActorNetService.Start(Sys, settings, options, "actornet");
        _server = await ActorNetHttpServer.StartAsync(Service, settings.Http);
        Http = new HttpClient { BaseAddress = _server.Address, Timeout = Bound };
    }

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
    }
}
