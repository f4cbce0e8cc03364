using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ActorNet.Connections;

/// <summary>
/// The log events of sources (listeners, feeds) and their connections, defined once with their structured
/// properties (<c>Source</c>, <c>ConnectionId</c>, <c>Peer</c>); the actors only say which event happened, each
/// through its component's logger (ActorNet.Listener, ActorNet.Feed, ActorNet.Connection).
/// </summary>
/// <remarks>
/// A connection opening and closing is at Debug: with thousands of devices that reconnect, two Information lines
/// per connection would bury everything else. The per-source summary (ActorNet.Summary) counts them instead.
/// </remarks>
internal static partial class ConnectionLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Source {Source} listening on {Endpoint}")]
    public static partial void Listening(this ILogger log, string source, EndPoint? endpoint);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Source {Source} could not accept a connection ({Error}: {Reason}); paused until a connection closes or 1s passes")]
    public static partial void AcceptPaused(this ILogger log, string source, SocketError error, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error,
        Message = "Source {Source} stopped accepting for good ({Error}: {Reason}): its {Connections} connections carry on; restart ActorNet to listen again")]
    public static partial void AcceptStoppedForGood(this ILogger log, string source, SocketError error, string reason, int connections);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Source {Source} refused {Peer}: {Reason}")]
    public static partial void Refused(this ILogger log, string source, string peer, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information,
        Message = "Source {Source} holds max-connections ({MaxConnections}): not accepting until a connection ends (on-max-connections = pause); new peers wait in the backlog")]
    public static partial void PausedAtMaxConnections(this ILogger log, string source, int maxConnections);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Source {Source} drained")]
    public static partial void SourceDrained(this ILogger log, string source);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Source {Source} connecting to {Host}:{Port} (attempt {Attempt})")]
    public static partial void FeedConnecting(this ILogger log, string source, string host, int port, int attempt);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Source {Source} connected to {Peer} as connection {ConnectionId}")]
    public static partial void FeedConnected(this ILogger log, string source, string peer, long connectionId);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning,
        Message = "Source {Source}: {Reason}; reconnecting to {Host}:{Port} in {Delay} (failure {Failures} in a row)")]
    public static partial void FeedBackingOff(this ILogger log, string source, string reason, string host, int port, TimeSpan delay, int failures);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error,
        Message = "Source {Source} gives up on {Host}:{Port} after {Failures} failures in a row (reconnect.max-attempts): {Reason}")]
    public static partial void FeedGaveUp(this ILogger log, string source, string host, int port, int failures, string reason);

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {Peer} opened on source {Source}")]
    public static partial void Opened(this ILogger log, long connectionId, string peer, string source);

    [LoggerMessage(EventId = 121, Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} from {Peer} on source {Source} closed: {Reason} ({Frames} frames)")]
    public static partial void Closed(this ILogger log, long connectionId, string peer, string source, string reason, long frames);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} from {Peer} on source {Source} restarted after {Error}; lost partial frame of {Bytes} bytes")]
    public static partial void Restarted(this ILogger log, Exception exception, long connectionId, string peer, string source, string error, int bytes);

    [LoggerMessage(EventId = 123, Level = LogLevel.Warning, Message = "Connection {ConnectionId} on source {Source}: {What} not sent: {Error}")]
    public static partial void NotSent(this ILogger log, long connectionId, string source, string what, string? error);

    [LoggerMessage(EventId = 124, Level = LogLevel.Warning, Message = "Connection {ConnectionId} on source {Source}: ACK {Seq} not sent: {Error}")]
    public static partial void AckNotSent(this ILogger log, long connectionId, string source, long seq, string? error);

    [LoggerMessage(EventId = 125, Level = LogLevel.Error,
        Message = "Connection {ConnectionId} on source {Source}: frames {From}..{To} never reached sink slot {Slot} ({Sink})")]
    public static partial void NeverReachedSink(this ILogger log, long connectionId, string source, long from, long to, int slot, string sink);
}
