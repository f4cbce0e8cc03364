using Microsoft.Extensions.Logging;

namespace ActorNet.Http;

/// <summary>The operations server's log events, defined once.</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "HTTP endpoints listening on {Url} (/metrics, /health/live, /health/ready, /api; admin token {TokenState})")]
    public static partial void Listening(ILogger logger, Uri url, string tokenState);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "HTTP endpoints on {Url} stopped")]
    public static partial void Stopped(ILogger logger, Uri url);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Live tail subscriber {Peer}:{PeerPort} closed: a send took longer than {SendTimeout} (the browser stopped reading)")]
    public static partial void TailSendTimedOut(ILogger logger, string peer, int peerPort, TimeSpan sendTimeout);

    // A warning: either another site's page tried to read the tail, or a reverse proxy's origin is missing from
    // the setting and the operator's own dashboard shows no live records.
    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Live tail upgrade from {Peer}:{PeerPort} refused (403): Origin {Origin} is not this server's own origin nor one in actornet.http.allowed-origins")]
    public static partial void TailOriginRefused(ILogger logger, string peer, int peerPort, string origin);
}
