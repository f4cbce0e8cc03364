using System.Net;
using Microsoft.Extensions.Logging;

namespace ActorNet.Connections.Udp;

/// <summary>The log events of udp sources (ActorNet.Listener), defined once with their structured properties.</summary>
internal static partial class UdpLog
{
    [LoggerMessage(EventId = 170, Level = LogLevel.Information,
        Message = "Source {Source} receiving UDP on {Endpoint}: receive buffer {Requested} bytes requested, {Granted} granted by the kernel")]
    public static partial void Receiving(this ILogger log, string source, EndPoint? endpoint, int? requested, int granted);

    [LoggerMessage(EventId = 171, Level = LogLevel.Warning,
        Message = "Source {Source}: the kernel granted a receive buffer of {Granted} bytes, less than the {Requested} asked for (Linux clamps SO_RCVBUF to net.core.rmem_max; raise it with sysctl)")]
    public static partial void ReceiveBufferClamped(this ILogger log, string source, int requested, int granted);

    [LoggerMessage(EventId = 172, Level = LogLevel.Error, Message = "Source {Source} stopped receiving: {Reason}")]
    public static partial void ReceiveFailed(this ILogger log, Exception exception, string source, string reason);

    [LoggerMessage(EventId = 173, Level = LogLevel.Debug, Message = "Source {Source} forgot peer {Peer} (connection {ConnectionId}): {Reason}")]
    public static partial void PeerForgotten(this ILogger log, string source, string peer, long connectionId, string reason);
}
