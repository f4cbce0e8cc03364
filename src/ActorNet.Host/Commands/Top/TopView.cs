using ActorNet.Http.Admin;

namespace ActorNet.Host.Commands.Top;

/// <summary>One source's line in <c>actornet top</c>; a null rate is not known yet (the first poll, or its counters were reset).</summary>
public sealed record TopSourceRow(
    string Name, string State, int Connections, double? FramesPerSecond, double? BytesPerSecond, long Quarantined,
    double? QuarantinedPerSecond, long HeldBytes);

public sealed record TopSinkRow(
    string Name, string Type, string State, double? WrittenPerSecond, long BacklogFrames, long SpoolBytes, long Dropped, string? LastError);

public sealed record TopConnectionRow(long Id, string Source, string Peer, double? FramesPerSecond, double? BytesPerSecond, long Frames, long HeldBytes);

/// <summary>
/// What <c>actornet top</c> shows for one poll: every source and sink, and the busiest connections first. Rates are
/// counter deltas between this poll and the previous one over the time between them, so they need two polls: after
/// the first they are unknown. Something absent from the previous poll (a connection that opened since, a source
/// added by a reload) started from zero, as its counters did. A counter that went down (a source restarted by a
/// reload) has no rate for that poll rather than a negative one.
/// </summary>
public sealed record TopView(
    TopSample Sample,
    IReadOnlyList<TopSourceRow> Sources,
    IReadOnlyList<TopSinkRow> Sinks,
    IReadOnlyList<TopConnectionRow> BusiestConnections,
    double? FramesPerSecond,
    double? BytesPerSecond)
{
    public int ConnectionCount => Sample.Connections.Connections.Count;

    public static TopView From(TopSample? previous, TopSample current)
    {
        var seconds = previous is null ? 0 : (current.Clock - previous.Clock).TotalSeconds;
        // Without a previous poll (or with one taken at the same instant) no rate can be known.
        var known = previous is not null && seconds > 0;

        var oldSources = previous?.Sources.Sources.ToDictionary(s => s.Name) ?? [];
        var sources = current.Sources.Sources.Select(s =>
        {
            var old = oldSources.GetValueOrDefault(s.Name);
            return new TopSourceRow(s.Name, s.State, s.ConnectionsActive, Rate(old?.Frames, s.Frames), Rate(old?.Bytes, s.Bytes),
                s.Quarantined, Rate(old?.Quarantined, s.Quarantined), s.HeldBytes);
        }).ToArray();

        var oldSinks = previous?.Sinks.Sinks.ToDictionary(s => s.Name) ?? [];
        var sinks = current.Sinks.Sinks.Select(s => new TopSinkRow(s.Name, s.Type, s.State, Rate(oldSinks.GetValueOrDefault(s.Name)?.FramesWritten, s.FramesWritten),
            s.BacklogFrames, s.SpoolBytes, s.Dropped, s.LastError)).ToArray();

        var oldConnections = previous?.Connections.Connections.ToDictionary(c => c.Id) ?? [];
        var connections = current.Connections.Connections.Select(c =>
            {
                var old = oldConnections.GetValueOrDefault(c.Id);
                return new TopConnectionRow(c.Id, c.Source, c.Peer, Rate(old?.Frames, c.Frames), Rate(old?.Bytes, c.Bytes), c.Frames, c.HeldBytes);
            })
            .OrderByDescending(c => c.FramesPerSecond ?? -1)
            .ThenByDescending(c => c.BytesPerSecond ?? -1)
            .ThenByDescending(c => c.Frames)
            .ThenBy(c => c.Id)
            .ToArray();

        return new TopView(current, sources, sinks, connections, Sum(sources.Select(s => s.FramesPerSecond)), Sum(sources.Select(s => s.BytesPerSecond)));

        double? Rate(long? before, long now)
        {
            if (!known) return null;
            var delta = now - (before ?? 0);
            return delta < 0 ? null : delta / seconds;
        }
    }

    private static double? Sum(IEnumerable<double?> rates)
    {
        double? total = null;
        foreach (var rate in rates)
            if (rate is { } value)
                total = (total ?? 0) + value;
        return total;
    }
}
