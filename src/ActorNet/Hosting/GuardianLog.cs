using Akka.Event;

namespace ActorNet.Hosting;

/// <summary>The guardian's log events (start-up order, drain, supervision), defined once.</summary>
internal static class GuardianLog
{
    public static void StoppedForGood(this ILoggingAdapter log, string actor, string reason) =>
        log.Error("The {Actor} {Reason}: frames sent to it are lost until ActorNet restarts", actor, reason);

    public static void Draining(this ILoggingAdapter log) => log.Info("Draining: stop accepting, stop reading, deliver what was read");

    public static void Drained(this ILoggingAdapter log) => log.Info("Drained: every frame read was delivered and every sink flushed");

    public static void DrainedWithLosses(this ILoggingAdapter log, string actors) =>
        log.Error("Drained, but {Actors} had stopped for good before: frames sent to them were lost", actors);
}
