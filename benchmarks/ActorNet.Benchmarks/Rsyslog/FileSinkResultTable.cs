using System.Globalization;
using System.Text;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>Prints the runs as an aligned table, then per-server medians and ActorNet / rsyslog per run and of the medians.</summary>
public static class FileSinkResultTable
{
    /// <summary>The figure the "busy fleets" issue names: ActorNet's jsonl at least this many times rsyslog's imtcp → omfile.</summary>
    public const double Target = 1.5;

    private static readonly string[] Headers = ["run", "server", "lines", "seconds", "frames/s", "file MiB", "peak RSS MiB", "CPU cores", "result"];

    public static string Format(IReadOnlyList<FileSinkResult> results)
    {
        var rows = new List<string[]> { Headers };
        rows.AddRange(results.Select(r => new[]
        {
            Text(r.Run, "0"),
            r.Server,
            Text(r.Lines, "N0"),
            Text(r.Elapsed.TotalSeconds, "0.000"),
            Text(r.FramesPerSecond, "N0"),
            ProcessMemory.Mib(r.OutputBytes),
            ProcessMemory.Mib(r.PeakResident),
            Text(r.Cores, "0.00"),
            r.Succeeded ? "ok" : "FAILED",
        }));

        int[] widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                text.Append(c == row.Length - 1 ? row[c] : row[c].PadLeft(widths[c])).Append(c < row.Length - 1 ? "  " : "\n");
            }
        }

        foreach (FileSinkResult failed in results.Where(r => !r.Succeeded))
        {
            text.Append(CultureInfo.InvariantCulture, $"run {failed.Run} {failed.Server} FAILED: {failed.Failure}\n");
        }

        text.Append('\n');
        foreach (IGrouping<int, FileSinkResult> run in results.GroupBy(r => r.Run))
        {
            if (Ratio(run, r => r.FramesPerSecond) is { } ratio)
            {
                text.Append(CultureInfo.InvariantCulture, $"run {run.Key}: actornet / rsyslog = {ratio:0.00}x\n");
            }
        }

        var medians = new Dictionary<string, double>();
        foreach (IGrouping<string, FileSinkResult> server in results.Where(r => r.Succeeded).GroupBy(r => r.Server))
        {
            FileSinkResult[] runs = server.ToArray();
            medians[server.Key] = Median(runs.Select(r => r.FramesPerSecond));
            text.Append(CultureInfo.InvariantCulture,
                $"median {server.Key}: {medians[server.Key]:N0} frames/s over {runs.Length} run{(runs.Length > 1 ? "s" : "")} " +
                $"(min {runs.Min(r => r.FramesPerSecond):N0}, max {runs.Max(r => r.FramesPerSecond):N0}), " +
                $"peak RSS median {ProcessMemory.Mib((long)Median(runs.Select(r => (double)r.PeakResident)))} MiB, CPU median {Median(runs.Select(r => r.Cores)):0.00} cores\n");
        }

        if (medians.TryGetValue("actornet", out double actorNet) && medians.TryGetValue("rsyslog", out double rsyslog))
        {
            double ratio = actorNet / rsyslog;
            text.Append(CultureInfo.InvariantCulture,
                $"actornet / rsyslog, of the medians: {ratio:0.00}x (the issue's figure: >= {Target:0.0}x: {(ratio >= Target ? "met" : "NOT met")})\n");
        }

        return text.ToString();
    }

    private static double? Ratio(IEnumerable<FileSinkResult> run, Func<FileSinkResult, double> value)
    {
        FileSinkResult? actorNet = run.FirstOrDefault(r => r.Server == "actornet" && r.Succeeded);
        FileSinkResult? rsyslog = run.FirstOrDefault(r => r.Server == "rsyslog" && r.Succeeded);
        return actorNet is null || rsyslog is null ? null : value(actorNet) / value(rsyslog);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Text(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
