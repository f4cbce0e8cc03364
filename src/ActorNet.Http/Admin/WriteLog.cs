using Microsoft.Extensions.Logging;

namespace ActorNet.Http.Admin;

/// <summary>
/// Writes to peers through the admin API, defined once. At Information: they are commands an operator (or a script)
/// gave to devices, rare next to the traffic, and the log is where one looks for who told a device what.
/// </summary>
internal static partial class WriteLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Admin API: queued {Bytes} bytes for connection {ConnectionId} of {Source} (request from {Client})")]
    public static partial void Sent(ILogger logger, long connectionId, string source, int bytes, string client);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information,
        Message = "Admin API: broadcast {Bytes} bytes to {Connections} connection(s) of {Source} (request from {Client})")]
    public static partial void Broadcast(ILogger logger, string source, int connections, int bytes, string client);
}
