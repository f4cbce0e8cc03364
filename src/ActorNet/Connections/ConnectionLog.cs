using System.Net;
using System.Net.Sockets;
using Akka.Event;

namespace ActorNet.Connections;

/// <summary>
/// The log events of sources (listeners, feeds) and their connections, defined once with their structured
/// properties (<c>Source</c>, <c>ConnectionId</c>, <c>Peer</c>); the actors only say which event happened.
/// </summary>
internal static class ConnectionLog
{
    public static void Listening(this ILoggingAdapter log, string source, EndPoint? endpoint) =>
        log.Info("Source {Source} listening on {Endpoint}", source, endpoint);

    public static void AcceptPaused(this ILoggingAdapter log, string source, SocketError error, string message) =>
        log.Warning("Source {Source} could not accept a connection ({Error}: {Message}); paused until a connection closes or 1s passes", source, error, message);

    public static void AcceptStoppedForGood(this ILoggingAdapter log, string source, SocketError error, string message, int connections) =>
        log.Error("Source {Source} stopped accepting for good ({Error}: {Message}): its {Connections} connections carry on; restart ActorNet to listen again",
            source, error, message, connections);

    public static void Refused(this ILoggingAdapter log, string source, string peer, string reason) =>
        log.Warning("Source {Source} refused {Peer}: {Reason}", source, peer, reason);

    public static void SourceDrained(this ILoggingAdapter log, string source) => log.Info("Source {Source} drained", source);

    public static void FeedConnecting(this ILoggingAdapter log, string source, string host, int port, int attempt) =>
        log.Info("Source {Source} connecting to {Host}:{Port} (attempt {Attempt})", source, host, port, attempt);

    public static void FeedConnected(this ILoggingAdapter log, string source, string peer, long connectionId) =>
        log.Info("Source {Source} connected to {Peer} as connection {ConnectionId}", source, peer, connectionId);

    public static void FeedBackingOff(this ILoggingAdapter log, string source, string reason, string host, int port, TimeSpan delay, int failures) =>
        log.Warning("Source {Source}: {Reason}; reconnecting to {Host}:{Port} in {Delay} (failure {Failures} in a row)", source, reason, host, port, delay, failures);

    public static void FeedGaveUp(this ILoggingAdapter log, string source, string host, int port, int failures, string reason) =>
        log.Error("Source {Source} gives up on {Host}:{Port} after {Failures} failures in a row (reconnect.max-attempts): {Reason}", source, host, port, failures, reason);

    public static void Opened(this ILoggingAdapter log, long connectionId, string peer, string source) =>
        log.Info("Connection {ConnectionId} from {Peer} opened on source {Source}", connectionId, peer, source);

    public static void Closed(this ILoggingAdapter log, long connectionId, string peer, string source, string reason, long frames) =>
        log.Info("Connection {ConnectionId} from {Peer} on source {Source} closed: {Reason} ({Frames} frames)", connectionId, peer, source, reason, frames);

    public static void Restarted(this ILoggingAdapter log, Exception reason, long connectionId, string peer, string source, int lostPartialBytes) =>
        log.Warning(reason, "Connection {ConnectionId} from {Peer} on source {Source} restarted after {Error}; lost partial frame of {Bytes} bytes",
            connectionId, peer, source, reason.Message, lostPartialBytes);

    public static void NotSent(this ILoggingAdapter log, long connectionId, string source, string what, string? error) =>
        log.Warning("Connection {ConnectionId} on source {Source}: {What} not sent: {Error}", connectionId, source, what, error);

    public static void AckNotSent(this ILoggingAdapter log, long connectionId, string source, long seq, string? error) =>
        log.Warning("Connection {ConnectionId} on source {Source}: ACK {Seq} not sent: {Error}", connectionId, source, seq, error);

    public static void NeverReachedSink(this ILoggingAdapter log, long connectionId, string source, long from, long to, int slot, string sink) =>
        log.Error("Connection {ConnectionId} on source {Source}: frames {From}..{To} never reached sink slot {Slot} ({Sink})", connectionId, source, from, to, slot, sink);
}
