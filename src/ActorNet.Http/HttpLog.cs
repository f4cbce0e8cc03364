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
}
