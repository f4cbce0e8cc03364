using ActorNet.Monitoring;

namespace ActorNet.Logging;

/// <summary>
/// What one source did between two readings of its counters: the figures of its periodic summary line. A pure
/// difference of totals, so that a summary never resets a counter other readers (metrics, the admin API) share.
/// </summary>
public readonly record struct SourceActivity(long Opened, long Closed, long Refused, int Active, long Frames, long Quarantined)
{
    /// <summary>Whether anything happened: a summary is logged only then (an idle fleet stays quiet).</summary>
    public bool Any => Opened > 0 || Closed > 0 || Refused > 0 || Frames > 0 || Quarantined > 0;

    /// <summary>The totals of <paramref name="source"/> now; <see cref="Since"/> turns two of them into an interval's activity.</summary>
    public static SourceActivity Totals(SourceStatus source) =>
        new(source.ConnectionsOpened, source.ConnectionsClosed, source.ConnectionsRejected, source.ConnectionsActive,
            source.FramesReceived, source.FramesQuarantined);

    /// <summary>The activity from <paramref name="earlier"/> totals to these; <see cref="Active"/> stays the current count.</summary>
    public SourceActivity Since(SourceActivity earlier) =>
        new(Opened - earlier.Opened, Closed - earlier.Closed, Refused - earlier.Refused, Active, Frames - earlier.Frames,
            Quarantined - earlier.Quarantined);
}
