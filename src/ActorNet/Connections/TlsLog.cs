using Microsoft.Extensions.Logging;

namespace ActorNet.Connections;

/// <summary>The log events of TLS on a source's connections (ActorNet.Connection), defined once.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 130, Level = LogLevel.Warning,
        Message = "Source {Source}: TLS handshake with {Peer} failed: {Reason} ({Suppressed} more failures not logged since the last line)")]
    public static partial void HandshakeFailed(this ILogger log, string source, string peer, string reason, long suppressed);

    [LoggerMessage(EventId = 131, Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} from {Peer} on source {Source}: TLS {Protocol} established, client certificate {ClientSubject}")]
    public static partial void Established(this ILogger log, long connectionId, string peer, string source, string protocol, string clientSubject);

    [LoggerMessage(EventId = 132, Level = LogLevel.Information,
        Message = "Source {Source}: TLS certificate {Certificate} reloaded (subject {Subject}, expires {NotAfter:u}); new handshakes use it")]
    public static partial void CertificateReloaded(this ILogger log, string source, string certificate, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 133, Level = LogLevel.Warning,
        Message = "Source {Source}: TLS certificate {Certificate} with key {PrivateKey} changed but does not load ({Reason}); handshakes keep the previous one until the files change again")]
    public static partial void CertificateReloadFailed(this ILogger log, string source, string certificate, string privateKey, string reason);
}
