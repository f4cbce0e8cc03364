using System.Net;
using ActorNet.Benchmarks.Common;
using ActorNet.Configuration;
using ActorNet.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// ActorNet composed as <c>e2e</c>'s <see cref="EndToEnd.ActorNetServer"/> does (one tcp-listen source on 127.0.0.1,
/// newline framing, text parser, every other key from reference.conf), with the <see cref="LatencySink"/> in place
/// of the blackhole. Rejected frames go to a blackhole of their own; the sink counts only what it was given.
/// </summary>
public sealed class LatencyServer : ILatencyServer
{
    private const string SinkType = "latency";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private IHost? _host;

    private LatencyServer(IPEndPoint endPoint)
    {
        EndPoint = endPoint;
    }

    public string Name => "actornet";

    public IPEndPoint EndPoint { get; }

    public LatencyRecorder Recorder { get; } = new();

    public static async Task<LatencyServer> StartAsync(int maxPayloadLength, CancellationToken cancellationToken)
    {
        // ActorNet cannot bind port 0, so take a port the OS just handed out (see FreePort for the small race).
        var server = new LatencyServer(new IPEndPoint(IPAddress.Loopback, FreePort.Pick()));
        try
        {
            ActorNetSettings settings = ActorNetSettings.Create(
                ActorNetSettings.ParseOverlay(Hocon(server.EndPoint.Port, maxPayloadLength)),
                ActorNetSettings.BuiltInParsers, [.. ActorNetSettings.BuiltInSinkTypes, SinkType]);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5));
            builder.Services.AddAkka("actornet", akka =>
            {
                akka.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                });
                akka.WithActorNet(settings, options => options.AddSinkType(SinkType, _ => new LatencySink(server.Recorder)));
            });
            server._host = builder.Build();
            await server._host.StartAsync(cancellationToken).ConfigureAwait(false);
            await ListenerProbe.WaitUntilAcceptingAsync(server.EndPoint, StartTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is { } host)
        {
            // Bounded by HostOptions.ShutdownTimeout (ActorNet's shutdown-timeout plus a margin), set above.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            _host = null;
        }
    }

    private static string Hocon(int port, int maxPayloadLength) => $$"""
        actornet {
          sources.bench {
            type = tcp-listen, host = "127.0.0.1", port = {{port}}, max-connections = 20000
            # idle-timeout stays at its default (5m): the figures are the default configuration's. It was off here
            # until a run with it on showed what Akka's receive timeout cost per read (IdleClock).
            framing { type = delimiter, delimiter = "\n", max-frame-length = {{maxPayloadLength}} }
            parser = text, sinks = [ {{SinkType}} ], quarantine = rejects
          }
          # As e2e's blackhole: the sink never blocks, so it runs on the shared dispatcher (a thread of its own would
          # add a wake-up per batch to every figure).
          sinks.{{SinkType}} { type = {{SinkType}}, dedicated-thread = off }
          sinks.rejects { type = blackhole, dedicated-thread = off }
        }
        """;
}
