using System.Globalization;
using ActorNet.Host.Commands.Status;

namespace ActorNet.Host.Commands.Top;

/// <summary>
/// Lays out a <see cref="TopView"/> as lines of text: a header, the totals, then the sources, sinks and busiest
/// connections as <see cref="TextTable"/>s. The same lines are drawn on a terminal and printed when piped.
/// </summary>
public static class TopScreen
{
    /// <param name="title">The first line (what is watched, how often, how to quit).</param>
    /// <param name="problem">Why the view is stale (the last poll failed), shown under the title; null when it is current.</param>
    /// <param name="maxConnections">Connection rows at most; the busiest come first.</param>
    public static IReadOnlyList<string> Lines(TopView view, string title, string? problem, int maxConnections)
    {
        var lines = new List<string> { title };
        if (problem is not null) lines.Add($"! {problem} (showing the poll of {Time(view.Sample.TakenAt)})");

        var buffered = view.Sample.Sources.Buffered;
        var held = buffered is null ? "" : $"; held {TopFormat.Bytes(buffered.HeldBytes)} of {TopFormat.Bytes(buffered.LimitBytes)}"
            + (buffered.WaitingConnections > 0 ? $", {buffered.WaitingConnections} connection(s) waiting for room" : "");
        lines.Add($"in: {TopFormat.Rate(view.FramesPerSecond)} frames/s, {TopFormat.BytesRate(view.BytesPerSecond)}; "
            + $"{TopFormat.Count(view.ConnectionCount)} connection(s){held}");
        lines.Add("");

        lines.Add($"SOURCES ({view.Sources.Count})");
        var sources = new TextTable(("NAME", false), ("STATE", false), ("CONNS", true), ("FRAMES/S", true), ("BYTES/S", true),
            ("QUARANTINED", true), ("QUAR/S", true), ("HELD", true));
        foreach (var s in view.Sources)
        {
            sources.Add(s.Name, s.State, TopFormat.Count(s.Connections), TopFormat.Rate(s.FramesPerSecond), TopFormat.BytesRate(s.BytesPerSecond),
                TopFormat.Count(s.Quarantined), TopFormat.Rate(s.QuarantinedPerSecond), TopFormat.Bytes(s.HeldBytes));
        }
        lines.AddRange(TableLines(sources));
        lines.Add("");

        lines.Add($"SINKS ({view.Sinks.Count})");
        var sinks = new TextTable(("NAME", false), ("TYPE", false), ("STATE", false), ("WRITTEN/S", true), ("BACKLOG", true), ("SPOOL", true),
            ("DROPPED", true), ("LAST ERROR", false));
        foreach (var s in view.Sinks)
        {
            sinks.Add(s.Name, s.Type, s.State, TopFormat.Rate(s.WrittenPerSecond), TopFormat.Count(s.BacklogFrames), TopFormat.Bytes(s.SpoolBytes),
                TopFormat.Count(s.Dropped), OneLine(s.LastError));
        }
        lines.AddRange(TableLines(sinks));
        lines.Add("");

        var shown = view.BusiestConnections.Take(Math.Max(0, maxConnections)).ToArray();
        lines.Add(shown.Length == view.BusiestConnections.Count
            ? $"CONNECTIONS ({view.BusiestConnections.Count}, busiest first)"
            : $"BUSIEST CONNECTIONS ({shown.Length} of {view.BusiestConnections.Count})");
        var connections = new TextTable(("ID", true), ("SOURCE", false), ("PEER", false), ("FRAMES/S", true), ("BYTES/S", true), ("FRAMES", true),
            ("HELD", true));
        foreach (var c in shown)
        {
            connections.Add(c.Id.ToString(CultureInfo.InvariantCulture), c.Source, c.Peer, TopFormat.Rate(c.FramesPerSecond),
                TopFormat.BytesRate(c.BytesPerSecond), TopFormat.Count(c.Frames), TopFormat.Bytes(c.HeldBytes));
        }
        lines.AddRange(TableLines(connections));
        return lines;
    }

    /// <summary>Lines the view takes besides its connection rows, so that a terminal knows how many of those fit.</summary>
    public static int LinesWithoutConnections(TopView view, string? problem) =>
        Lines(view, "", problem, maxConnections: 0).Count;

    public static string Time(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static IEnumerable<string> TableLines(TextTable table)
    {
        using var text = new StringWriter();
        table.WriteTo(text);
        return text.ToString().Split(text.NewLine).SkipLast(1);
    }

    // An error message may hold line breaks (an exception's), which would break the table's rows.
    private static string OneLine(string? text) => text is null ? "" : string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
