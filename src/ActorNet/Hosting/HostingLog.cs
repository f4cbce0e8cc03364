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
}
