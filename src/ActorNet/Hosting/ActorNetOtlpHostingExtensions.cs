using ActorNet.Configuration;
using ActorNet.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    public static IServiceCollection AddActorNetOtlp(this IServiceCollection services, OtlpSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Enabled) services.AddHostedService(_ => new OtlpExportService(settings));
        return services;
    }

    // Hosted services stop in reverse order of registration: registered before Akka's, this one stops after it.
    private sealed class OtlpExportService(OtlpSettings settings) : IHostedService, IDisposable
    {
        private readonly OtlpMetricsExporter _exporter = OtlpMetricsExporter.Start(settings)!;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _exporter.Dispose();
    }
}
