using Microsoft.Extensions.Logging;

namespace ActorNet.Pipeline;

/// <summary>The parser actor's log events (ActorNet.Parser), defined once.</summary>
internal static partial class ParserLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "Quarantined frame {Seq} of connection {ConnectionId} ({Peer}) from source {Source}: {Error}")]
    public static partial void Quarantined(this ILogger log, long seq, long connectionId, string peer, string source, string error);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning,
        Message = "{Suppressed} more frames of source {Source} were quarantined without a log line of their own (at most {PerSecond} a second per parser; actornet_frames_quarantined_total counts every one)")]
    public static partial void QuarantineLinesSuppressed(this ILogger log, long suppressed, string source, int perSecond);
}
