using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ActorNet.Metrics;

/// <summary>
/// The OpenTelemetry SDK reports its own trouble (a collector it cannot reach, an export that failed or timed out) only
/// through its EventSources, which nobody listens to by default: a collector that is down would lose every export
/// without a word. This listener takes the OTLP exporter's reports at warning level and above and the SDK's errors,
/// counts each in <c>actornet_otlp_export_problems_total</c> (which /metrics shows even while OTLP fails) and logs
/// them, the first at once and then at most one line a minute with the number held back, so a collector down for hours
/// costs a line a minute, not one per export. (Not <see cref="Monitoring.LogBudget"/>: that one is an actor's, per
/// second and unlocked; these reports come from the SDK's threads.)
/// </summary>
internal sealed class OtlpFailureLog : EventListener
{
    // The OTLP exporter's own source, at warning and above; the SDK's, at error only: its warnings are mostly about
    // instruments of meters this provider does not take (Serilog's, for one), which are not failures.
    private const string ExporterSource = "OpenTelemetry-Exporter-OpenTelemetryProtocol";
    private const string SdkSource = "OpenTelemetry-Sdk";
    private static readonly TimeSpan LineEvery = TimeSpan.FromMinutes(1);

    // Set after the base constructor, which already announces the sources that exist (OnEventSourceCreated): events
    // that arrive before are counted and held back.
    private readonly ILogger? _log;
    private readonly Lock _gate = new();
    private long _nextLineAt;
    private long _heldBack;

    public OtlpFailureLog(ILogger log)
    {
        _log = log;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == ExporterSource) EnableEvents(eventSource, EventLevel.Warning);
        else if (eventSource.Name == SdkSource) EnableEvents(eventSource, EventLevel.Error);
    }

    protected override void OnEventWritten(EventWrittenEventArgs report)
    {
        if (report.Level is not (EventLevel.Critical or EventLevel.Error or EventLevel.Warning)) return;
        ActorNetMetrics.OtlpExportProblems.Add(1);
        long heldBack;
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (_log is null || now < _nextLineAt)
            {
                _heldBack++;
                return;
            }
            _nextLineAt = now + (long)LineEvery.TotalMilliseconds;
            heldBack = _heldBack;
            _heldBack = 0;
        }
        _log.OtlpExportTrouble(Describe(report), report.EventSource.Name, heldBack);
    }

    private static string Describe(EventWrittenEventArgs report)
    {
        if (report.Message is not { } message) return report.EventName ?? $"event {report.EventId}";
        string text;
        try
        {
            text = report.Payload is { Count: > 0 } payload ? string.Format(CultureInfo.InvariantCulture, message, [.. payload]) : message;
        }
        catch (FormatException)
        {
            text = $"{message} [{string.Join(", ", report.Payload ?? [])}]";
        }
        // The SDK puts the whole exception in, stack trace included: the log line keeps what happened, not where.
        return string.Join(" ", text.Split('\n').Where(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Select(line => line.Trim()));
    }
}
