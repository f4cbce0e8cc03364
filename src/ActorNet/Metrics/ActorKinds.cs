using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;

namespace ActorNet.Metrics;

/// <summary>
/// Per actor kind (listener, feed, connection, parser, sink): how many are alive, how often they restarted, and
/// their mailbox depth, sampled when metrics are collected rather than on every message. Actors register by
/// reference, so a restart (same reference, new instance) is not counted twice.
/// </summary>
public static class ActorKinds
{
    public const string Listener = "listener";
    public const string Feed = "feed";
    public const string Connection = "connection";
    public const string Parser = "parser";
    public const string Sink = "sink";

    private static readonly string[] All = [Listener, Feed, Connection, Parser, Sink];
    private static readonly ConcurrentDictionary<IActorRef, string> Live = new();

    public static readonly Counter<long> Restarts =
        ActorNetMetrics.Meter.CreateCounter<long>("actornet.actor.restarts", "{restart}", "Actors restarted by their supervisor, by kind");

    private static readonly ObservableGauge<long> LiveGauge =
        ActorNetMetrics.Meter.CreateObservableGauge("actornet.actors.live", ObserveLive, "{actor}", "Actors alive, by kind");

    private static readonly ObservableGauge<long> MailboxGauge =
        ActorNetMetrics.Meter.CreateObservableGauge("actornet.actor.mailbox.depth", ObserveMailboxes, "{message}",
            "Messages waiting in mailboxes, summed by kind (sampled at collection)");

    private static readonly ObservableGauge<long> MailboxMaxGauge =
        ActorNetMetrics.Meter.CreateObservableGauge("actornet.actor.mailbox.depth.max", ObserveMailboxMax, "{message}",
            "The deepest mailbox of each kind (sampled at collection)");

    public static void Started(string kind, IActorRef self) => Live[self] = kind;

    public static void Stopped(IActorRef self) => Live.TryRemove(self, out _);

    public static void Restarted(string kind) => Restarts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>How many actors of <paramref name="kind"/> are alive (for tests and the admin API).</summary>
    public static int Count(string kind) => Live.Count(entry => entry.Value == kind);

    private static IEnumerable<Measurement<long>> ObserveLive()
    {
        var counts = Tally(_ => 1);
        return All.Select(kind => new Measurement<long>(counts.GetValueOrDefault(kind).Sum, Tag(kind)));
    }

    private static IEnumerable<Measurement<long>> ObserveMailboxes()
    {
        var depths = Tally(Depth);
        return All.Select(kind => new Measurement<long>(depths.GetValueOrDefault(kind).Sum, Tag(kind)));
    }

    private static IEnumerable<Measurement<long>> ObserveMailboxMax()
    {
        var depths = Tally(Depth);
        return All.Select(kind => new Measurement<long>(depths.GetValueOrDefault(kind).Max, Tag(kind)));
    }

    private static Dictionary<string, (long Sum, long Max)> Tally(Func<IActorRef, long> measure)
    {
        var tally = new Dictionary<string, (long Sum, long Max)>(StringComparer.Ordinal);
        foreach (var (actor, kind) in Live)
        {
            var value = measure(actor);
            var (sum, max) = tally.GetValueOrDefault(kind);
            tally[kind] = (sum + value, Math.Max(max, value));
        }
        return tally;
    }

    // A local actor's cell knows its queue length without touching the actor; a dead one reports 0.
    private static long Depth(IActorRef actor) => actor is ActorRefWithCell local ? local.Underlying.NumberOfMessages : 0;

    private static KeyValuePair<string, object?> Tag(string kind) => new("kind", kind);
}
