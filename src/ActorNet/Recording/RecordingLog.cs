using ActorNet.Configuration;
using ActorNet.Logging;
using Microsoft.Extensions.Logging;

namespace ActorNet.Recording;

/// <summary>The log events of recording, replay and export (category ActorNet.Recording).</summary>
internal static partial class RecordingLog
{
    public const string Category = LogCategories.Recording;

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Source {Source} records into {Dir}")]
    public static partial void Recording(this ILogger log, string source, string dir);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning,
        Message = "Source {Source} cannot write its recording in {Dir} ({Error}); records are dropped and counted until a write succeeds (retried every second); ingestion carries on")]
    public static partial void WriteFailed(this ILogger log, Exception exception, string source, string dir, string error);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Source {Source} writes its recording again in {File}, after dropping {Dropped} records")]
    public static partial void WriteResumed(this ILogger log, string source, string file, long dropped);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning,
        Message = "Source {Source}'s recording writer is {Buffer} bytes behind: records are dropped and counted (reason behind) until it catches up")]
    public static partial void Behind(this ILogger log, string source, long buffer);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Source {Source}'s recording: deleted {File} ({Why})")]
    public static partial void Deleted(this ILogger log, string source, string file, string why);
}
