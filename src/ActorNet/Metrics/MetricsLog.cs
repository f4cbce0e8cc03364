using Microsoft.Extensions.Logging;

namespace ActorNet.Metrics;

/// <summary>The metrics exports' log events (written under ActorNet.Hosting), defined once.</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 520, Level = LogLevel.Warning,
        Message = "OTLP export: {Report} (from {EventSource}; {HeldBack} more such reports since the last line)")]
    public static partial void OtlpExportTrouble(this ILogger log, string report, string eventSource, long heldBack);
}
