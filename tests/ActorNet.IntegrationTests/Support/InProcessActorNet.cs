using ActorNet.Configuration;
using ActorNet.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// ActorNet in a generic host inside the test process, composed the way <c>actornet run</c> composes it
/// (<c>AddAkka(...).WithActorNet(settings)</c>), so that stopping the host runs the same drain as SIGTERM.
/// </summary>
public sealed class InProcessActorNet : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private InProcessActorNet(IHost host, LogCollector log)
    {
        _host = host;
        Log = log;
    }

    /// <summary>What ActorNet logged (information and above), for failure messages.</summary>
    public LogCollector Log { get; }

    /// <param name="hocon">The user's configuration, overlaid on reference.conf as <c>--config FILE</c> would be.</param>
    /// <param name="configure">Registers plug-ins (parsers, sink types) as an embedding application would.</param>
    public static async Task<InProcessActorNet> StartAsync(string hocon, Action<ActorNetOptions>? configure = null)
    {
        var options = new ActorNetOptions();
        configure?.Invoke(options);
        var settings = ActorNetSettings.Create(ActorNetSettings.ParseOverlay(hocon), options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        var log = new LogCollector();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(log);
        builder.Services.AddAkka("actornet", akka =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActorNet(settings, configure);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new InProcessActorNet(host, log);
    }

    /// <summary>Graceful stop: ActorNet drains (stops accepting and reading, delivers what was read, flushes its sinks).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
