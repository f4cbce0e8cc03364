using System.Reflection;
using ActorNet.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorNet.Metrics;

/// <summary>
/// <c>actornet.otlp</c>: OpenTelemetry's own SDK and OTLP exporter (the stable packages) pushing the <c>ActorNet</c>
/// and <c>System.Runtime</c> meters to a collector every <see cref="OtlpSettings.Interval"/>, with cumulative
/// temporality, as <c>service.name = actornet</c>. The SDK names and aggregates the instruments itself; the
/// Prometheus names of /metrics are that exposition's business, not OTLP's (a collector's Prometheus exporter
/// derives the same names from these).
/// </summary>
/// <remarks>
/// Like <see cref="PrometheusTextExporter"/>, the SDK sees only measurements made after it starts listening:
/// create it before ActorNet starts, or the gauges built on up-down counters (open connections, frames in flight)
/// are off for good by what happened before. Export failures (a collector that is down) are the SDK's to report,
/// through its EventSources; <see cref="OtlpFailureLog"/> counts and logs them. They never reach ActorNet's actors.
/// </remarks>
public sealed class OtlpMetricsExporter : IDisposable
{
    /// <summary>The resource attribute naming a cluster node, with the value of the <c>node</c> label of /metrics.</summary>
    public const string NodeAttribute = "actornet.node";

    private readonly MeterProvider _provider;
    private readonly OtlpFailureLog? _failures;

    private OtlpMetricsExporter(MeterProvider provider, OtlpFailureLog? failures)
    {
        _provider = provider;
        _failures = failures;
    }

    /// <summary>Starts exporting as <paramref name="settings"/> say; null when they turn the export off.</summary>
    /// <param name="node">
    /// In a cluster, this node's <c>host:port</c> (<see cref="ClusterSettings.Node"/>): the resource then carries it as
    /// <c>service.instance.id</c> and <c>actornet.node</c>, so that a collector tells the nodes apart as /metrics does
    /// by its node label. Null otherwise, and the SDK makes up a random instance id.
    /// </param>
    /// <param name="log">Where the SDK's reports of failed exports go (see <see cref="OtlpFailureLog"/>); none when null.</param>
    public static OtlpMetricsExporter? Start(OtlpSettings settings, string? node = null, Microsoft.Extensions.Logging.ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ExportAddress is not { } address) return null;

        // Listening before the SDK starts, so that a collector down from the first export is reported too.
        var failures = log is null ? null : new OtlpFailureLog(log);
        var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource =>
            {
                resource.AddService("actornet", serviceVersion: Version(), autoGenerateServiceInstanceId: node is null, serviceInstanceId: node);
                if (node is not null) resource.AddAttributes([new KeyValuePair<string, object>(NodeAttribute, node)]);
            })
            .AddMeter(ActorNetMetrics.MeterName, PrometheusTextExporter.RuntimeMeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = address;
                exporter.Protocol = settings.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                if (settings.Headers.Length > 0) exporter.Headers = settings.Headers;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.Interval.TotalMilliseconds;
            })
            .Build();
        return new OtlpMetricsExporter(provider, failures);
    }

    /// <summary>Collects and exports now; false when the export failed or took longer than <paramref name="timeout"/>.</summary>
    public bool Flush(TimeSpan timeout) => _provider.ForceFlush((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));

    /// <summary>Exports a last time (the SDK's shutdown does), then stops listening.</summary>
    public void Dispose()
    {
        _provider.Dispose();
        _failures?.Dispose();
    }

    private static string? Version() =>
        typeof(OtlpMetricsExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}
