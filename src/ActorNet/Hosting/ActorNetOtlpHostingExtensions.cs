using ActorNet.Configuration;
using ActorNet.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Hosting;

/// <summary>Adds <c>actornet.otlp</c>, the push of the metrics to an OpenTelemetry collector, to a host.</summary>
public static class ActorNetOtlpHostingExtensions
{
    /// <summary>
    /// Registers the OTLP export when <paramref name="settings"/> name an endpoint; does nothing otherwise. Call it
    /// before <c>AddAkka</c>: the exporter starts listening when the host resolves its hosted services, before any
    /// of them (ActorNet included) starts, and it stops after ActorNet has drained, so that its last export holds
    /// the final counts.
    /// </summary>
    /// <param name="node">In a cluster, this node's <c>host:port</c> for the exported resource (see <see cref="OtlpMetricsExporter.Start"/>).</param>
    public static IServiceCollection AddActorNetOtlp(this IServiceCollection services, OtlpSettings settings, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Enabled)
        {
            services.AddHostedService(provider => new OtlpExportService(settings, node,
                provider.GetService<ILoggerFactory>()?.CreateLogger(LogCategories.Hosting)));
        }
        return services;
    }

    // Hosted services stop in reverse order of registration: registered before Akka's, this one stops after it.
    private sealed class OtlpExportService(OtlpSettings settings, string? node, ILogger? log) : IHostedService, IDisposable
    {
        private readonly OtlpMetricsExporter _exporter = OtlpMetricsExporter.Start(settings, node, log)!;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _exporter.Dispose();
    }
}
