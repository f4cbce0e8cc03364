using Microsoft.Extensions.Logging;

namespace ActorNet.Hosting;

/// <summary>The composition root's log events (start-up, descriptor plan, drain, supervision: ActorNet.Hosting), defined once.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Raised the file descriptor limit (RLIMIT_NOFILE) to its hard limit {Limit}")]
    public static partial void DescriptorLimitRaised(this ILogger log, long limit);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning,
        Message = "File descriptor limit {Limit} (RLIMIT_NOFILE) cannot hold max-connections {MaxConnections}: " +
                  "{Open} are open and actornet.fd-reserve keeps {Reserve} free, so at most {Cap} peers are served at once across all " +
                  "sources and the rest are refused (reason fd-limit); a limit of {Needed} would hold them all")]
    public static partial void DescriptorsCapPeers(this ILogger log, long limit, long maxConnections, int open, int reserve, int cap, long needed);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "The {Actor} {Reason}: frames sent to it are lost until ActorNet restarts{Revival}")]
    public static partial void StoppedForGood(this ILogger log, string actor, string reason, string revival);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Draining: stop accepting, stop reading, deliver what was read")]
    public static partial void Draining(this ILogger log);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "Drained: every frame read was delivered and every sink flushed")]
    public static partial void Drained(this ILogger log);

    [LoggerMessage(EventId = 505, Level = LogLevel.Error, Message = "Drained, but {Actors} had stopped for good before: frames sent to them were lost")]
    public static partial void DrainedWithLosses(this ILogger log, string actors);

    [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "Reloaded the configuration ({Trigger}): sources {Sources}; sinks {Sinks}")]
    public static partial void ReloadApplied(this ILogger log, string trigger, string sources, string sinks);

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning,
        Message = "The reloaded configuration changes {Keys}, which only a restart applies: running on the values read at start-up")]
    public static partial void ReloadNeedsRestart(this ILogger log, string keys);

    [LoggerMessage(EventId = 512, Level = LogLevel.Error, Message = "Reload ({Trigger}) rejected, the running configuration is kept: {Errors}")]
    public static partial void ReloadRejected(this ILogger log, string trigger, string errors);

    [LoggerMessage(EventId = 513, Level = LogLevel.Warning, Message = "Reload ({Trigger}) not started: another reload is under way")]
    public static partial void ReloadBusy(this ILogger log, string trigger);

    [LoggerMessage(EventId = 514, Level = LogLevel.Warning,
        Message = "Reload ({Trigger}) not possible: ActorNet was started without a configuration file (actornet run with no --config " +
                  "runs on the embedded default), there is nothing to read again")]
    public static partial void NothingToReload(this ILogger log, string trigger);

    [LoggerMessage(EventId = 515, Level = LogLevel.Error, Message = "Reload: source {Source} could not start and stays stopped until the next reload: {Reason}")]
    public static partial void ReloadedSourceNotStarted(this ILogger log, string source, string reason);

    [LoggerMessage(EventId = 516, Level = LogLevel.Warning,
        Message = "{Actor} stopped for good: {Bytes} bytes of batches of closed connections no longer count in max-buffered-bytes, since it may have held them and will never acknowledge them")]
    public static partial void OrphansReleased(this ILogger log, string actor, long bytes);
}
