using System.Net;
using ActorNet.Benchmarks.Common;
using ActorNet.Configuration;
using ActorNet.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// ActorNet as <c>actornet run</c> composes it (generic host, <c>AddAkka(...).WithActorNet(settings)</c>), with one
/// tcp-listen source on 127.0.0.1 in the shape under test, accepted frames into <c>frames.jsonl</c> and quarantined
/// ones into <c>quarantine.jsonl</c> in a directory of the run's own, and its log watched by <see cref="LogWatch"/>.
/// </summary>
public sealed class FuzzHost : IAsyncDisposable
{
    public const string SourceName = "fuzz";

    private readonly IHost _host;
    private bool _stopped;

    private FuzzHost(IHost host, IPEndPoint endPoint, string directory, LogWatch log)
    {
        _host = host;
        EndPoint = endPoint;
        Directory = directory;
        Log = log;
    }

    public IPEndPoint EndPoint { get; }

    public string Directory { get; }

    public string FramesPath => Path.Combine(Directory, "frames.jsonl");

    public string QuarantinePath => Path.Combine(Directory, "quarantine.jsonl");

    public LogWatch Log { get; }

    public static async Task<FuzzHost> StartAsync(FuzzShape shape, string directory, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.Pick());
        var settings = ActorNetSettings.Create(ActorNetSettings.ParseOverlay(Hocon(shape, endPoint.Port, directory)));
        var log = new LogWatch();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddAkka("actornet", akka =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActorNet(settings);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var fuzzHost = new FuzzHost(host, endPoint, directory, log);
        await ListenerProbe.WaitUntilAcceptingAsync(endPoint, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return fuzzHost;
    }

    /// <summary>The configuration of a fuzz run: the shape's framing and parser, everything else at its default.</summary>
    public static string Hocon(FuzzShape shape, int port, string directory) => $$"""
        actornet {
          sources.{{SourceName}} {
            type = tcp-listen, host = "127.0.0.1", port = {{port}}
            {{shape.SourceHocon()}}
            sinks = [ frames ], quarantine = rejects
          }
          sinks {
            frames { type = jsonl, path = "{{Path.Combine(directory, "frames.jsonl")}}", flush-interval = 100ms }
            rejects { type = jsonl, path = "{{Path.Combine(directory, "quarantine.jsonl")}}", flush-interval = 100ms }
          }
        }
        """;

    /// <summary>Graceful stop: ActorNet delivers every frame it read to the sinks and flushes them.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
