using Akka.Event;

namespace ActorNet.Hosting;

/// <summary>The composition root's log events (start-up, descriptor plan, drain, supervision), defined once.</summary>
internal static class HostingLog
{
    public static void DescriptorLimitRaised(this ILoggingAdapter log, long limit) =>
        log.Info("Raised the file descriptor limit (RLIMIT_NOFILE) to its hard limit {Limit}", limit);

    public static void DescriptorsCapPeers(this ILoggingAdapter log, long limit, long maxConnections, int open, int reserve, int cap, long needed) =>
        log.Warning("File descriptor limit {Limit} (RLIMIT_NOFILE) cannot hold max-connections {MaxConnections}: " +
                    "{Open} are open and actornet.fd-reserve keeps {Reserve} free, so at most {Cap} peers are served at once across all " +
                    "sources and the rest are refused (reason fd-limit); a limit of {Needed} would hold them all",
            limit, maxConnections, open, reserve, cap, needed);

    public static void StoppedForGood(this ILoggingAdapter log, string actor, string reason) =>
        log.Error("The {Actor} {Reason}: frames sent to it are lost until ActorNet restarts", actor, reason);

    public static void Draining(this ILoggingAdapter log) => log.Info("Draining: stop accepting, stop reading, deliver what was read");

    public static void Drained(this ILoggingAdapter log) => log.Info("Drained: every frame read was delivered and every sink flushed");

    public static void DrainedWithLosses(this ILoggingAdapter log, string actors) =>
        log.Error("Drained, but {Actors} had stopped for good before: frames sent to them were lost", actors);

    public static void ReloadApplied(this ILoggingAdapter log, string trigger, string sources, string sinks) =>
        log.Info("Reloaded the configuration ({Trigger}): sources {Sources}; sinks {Sinks}", trigger, sources, sinks);

    public static void ReloadNeedsRestart(this ILoggingAdapter log, string keys) =>
        log.Warning("The reloaded configuration changes {Keys}, which only a restart applies: running on the values read at start-up", keys);

    public static void ReloadRejected(this ILoggingAdapter log, string trigger, string errors) =>
        log.Error("Reload ({Trigger}) rejected, the running configuration is kept: {Errors}", trigger, errors);

    public static void ReloadBusy(this ILoggingAdapter log, string trigger) =>
        log.Warning("Reload ({Trigger}) not started: another reload is under way", trigger);

    public static void NothingToReload(this ILoggingAdapter log, string trigger) =>
        log.Warning("Reload ({Trigger}) not possible: ActorNet was started without a configuration file (actornet run with no --config runs on the embedded default), there is nothing to read again", trigger);

    public static void ReloadedSourceNotStarted(this ILoggingAdapter log, string source, string reason) =>
        log.Error("Reload: source {Source} could not start and stays stopped until the next reload: {Reason}", source, reason);
}
