using Microsoft.Extensions.Logging;

namespace ActorNet.Logging;

/// <summary>The periodic per-source summary (ActorNet.Summary), defined once.</summary>
internal static partial class SummaryLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information,
        Message = "Source {Source}: {Opened} opened, {Closed} closed, {Refused} refused, {Active} active, {Frames} frames, {Quarantined} quarantined in the last {Interval}")]
    public static partial void SourceSummary(this ILogger log, string source, long opened, long closed, long refused, int active, long frames,
        long quarantined, string interval);
}
