using Akka.Event;

namespace ActorNet.Pipeline;

/// <summary>The parser actor's log events, defined once.</summary>
internal static class ParserLog
{
    public static void Quarantined(this ILoggingAdapter log, long seq, long connectionId, string peer, string source, string error) =>
        log.Warning("Quarantined frame {Seq} of connection {ConnectionId} ({Peer}) from source {Source}: {Error}", seq, connectionId, peer, source, error);

    public static void QuarantineLinesSuppressed(this ILoggingAdapter log, long suppressed, string source, int perSecond) =>
        log.Warning("{Suppressed} more frames of source {Source} were quarantined without a log line of their own (at most {PerSecond} a second per parser; actornet_frames_quarantined_total counts every one)",
            suppressed, source, perSecond);
}
