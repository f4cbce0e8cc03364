using System.Globalization;
using ActorNet.Monitoring;
using Akka.Actor;

namespace ActorNet.Logging;

/// <summary>
/// Every <c>actornet.log.summary-interval</c>, logs one line per source that had activity since the last one:
/// connections opened, closed and refused, frames received and quarantined. It stands in for the per-connection
/// lines, which are at Debug. Reads the sources' shared counters (<see cref="ActorNetStatus"/>), so it asks no
/// actor and adds nothing to a connection's work; sources added later are summarised from their first interval.
/// </summary>
internal sealed class SourceSummaryActor : ReceiveActor, IWithTimers
{
    private readonly ActorNetStatus _status;
    private readonly TimeSpan _interval;
    private readonly string _intervalText;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Summary;
    // Each source's totals at the last summary; none before the first, since counters start at zero with their
    // source (a baseline taken when this actor starts would hide what peers did before it ran).
    private readonly Dictionary<string, SourceActivity> _last = new(StringComparer.Ordinal);

    public SourceSummaryActor(ActorNetStatus status, TimeSpan interval)
    {
        _status = status;
        _interval = interval;
        _intervalText = Describe(interval);
        Receive<Tick>(_ => Summarise());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ActorNetStatus status, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new SourceSummaryActor(status, interval));

    protected override void PreStart() => Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, _interval);

    private void Summarise()
    {
        foreach (var source in _status.Sources)
        {
            var totals = SourceActivity.Totals(source);
            var activity = totals.Since(_last.GetValueOrDefault(source.Name));
            _last[source.Name] = totals;
            if (activity.Any)
                _log.SourceSummary(source.Name, activity.Opened, activity.Closed, activity.Refused, activity.Active, activity.Frames,
                    activity.Quarantined, _intervalText);
        }
    }

    /// <summary>The interval as configuration writes it (60s, 5m, 500ms), for the summary line.</summary>
    internal static string Describe(TimeSpan interval) =>
        interval.TotalMilliseconds % 60_000 == 0 ? $"{interval.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : interval.TotalMilliseconds % 1000 == 0 ? $"{interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : $"{interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
