using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Http.Hosting;
using ActorNet.IntegrationTests.Support;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>
/// ActorNet with its operations server in a generic host inside the test process, composed as <c>actornet run</c>
/// composes them (<c>AddActorNetHttp</c> + <c>WithActorNet(..., OnStarted(http.Attach))</c>), on port 0.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    public const string Token = "dashboard-spec-token";

    private readonly IHost _host;

    private DashboardHost(IHost host, Uri address, ActorNetService service, LogCollector log)
    {
        _host = host;
        Address = address;
        Service = service;
        Log = log;
    }

    /// <summary>The operations server, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public ActorNetService Service { get; }

    public LogCollector Log { get; }

    /// <summary>
    /// One tcp-listen source on <paramref name="port"/> (newline-delimited text) whose frames go to a jsonl sink
    /// <c>file</c> and to the websocket sink <paramref name="live"/>, which is also its quarantine (a source has one
    /// quarantine sink: for the live tail to show quarantined frames, it is the websocket sink).
    /// </summary>
    public static string Config(string source, int port, TempDirectory directory, string token = "", int subscriberBuffer = 1000,
        string live = "live") => $$"""
        actornet {
          http { enabled = on, host = 127.0.0.1, port = 0, admin-token = "{{token}}" }
          sources.{{source}} {
            port = {{port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = text
            sinks = [ file, {{live}} ]
            quarantine = {{live}}
          }
          sinks {
            file { type = jsonl, path = "{{directory.File("frames.jsonl")}}", flush-interval = 50ms }
            {{live}} { type = websocket, subscriber-buffer = {{subscriberBuffer}} }
          }
        }
        """;

    /// <param name="reloadWith">The configuration a reload reads (<c>ActorNetService.ReloadAsync</c>), as a file would be read again.</param>
    public static async Task<DashboardHost> StartAsync(string hocon, Func<string>? reloadWith = null)
    {
        var settings = ActorNetSettings.Parse(hocon);
        var log = new LogCollector();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(log);
        var http = builder.Services.AddActorNetHttp(settings.Http);
        var started = new TaskCompletionSource<ActorNetService>(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.Services.AddAkka("actornet", akka =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActorNet(settings, options =>
            {
                options.OnStarted(http.Attach).OnStarted(s => started.TrySetResult(s));
                if (reloadWith is not null) options.ReloadFrom(() => ActorNetSettings.ParseOverlay(reloadWith()));
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var address = await http.Address.WaitAsync(TimeSpan.FromSeconds(30));
            var service = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new DashboardHost(host, address, service, log);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public Uri Http(string pathAndQuery) => new(Address, pathAndQuery);

    public Uri WebSocket(string pathAndQuery) => new UriBuilder(new Uri(Address, pathAndQuery)) { Scheme = "ws" }.Uri;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
