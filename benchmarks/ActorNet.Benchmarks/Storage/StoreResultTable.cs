using System.Globalization;
using System.Text;

namespace ActorNet.Benchmarks.Storage;

/// <summary>Prints store runs as an aligned table, then the medians.</summary>
public static class StoreResultTable
{
    private static readonly string[] Headers =
        ["run", "frames", "seconds", "frames/s", "MiB/s", "transactions", "frames/tx", "tx/s", "ms/tx", "sink busy", "bytes/read", "CPU cores", "retries", "result"];

    public static string Format(IReadOnlyList<StoreRunResult> results)
    {
        var rows = new List<string[]> { Headers };
        rows.AddRange(results.Select(r => new[]
        {
            Text(r.Run, "0"),
            Text(r.Committed, "N0"),
            Text(r.Elapsed.TotalSeconds, "0.000"),
            Text(r.FramesPerSecond, "N0"),
            Text(r.MibPerSecond, "0.00"),
            Text(r.Transactions, "N0"),
            Text(r.FramesPerTransaction, "0"),
            Text(r.TransactionsPerSecond, "N0"),
            Text(r.MillisecondsPerTransaction, "0.00"),
            Text(r.SinkBusy * 100, "0") + "%",
            Text(r.BytesPerRead, "N0"),
            Text(r.Cores, "0.00"),
            Text(r.WriteFailures, "0"),
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

        foreach (StoreRunResult failed in results.Where(r => !r.Succeeded))
        {
            text.Append(CultureInfo.InvariantCulture, $"run {failed.Run} FAILED: {failed.Failure}\n");
        }

        StoreRunResult[] succeeded = results.Where(r => r.Succeeded).ToArray();
        if (succeeded.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"median over {succeeded.Length} run{(succeeded.Length > 1 ? "s" : "")}: {Median(succeeded.Select(r => r.FramesPerSecond)):N0} frames/s, " +
                $"{Median(succeeded.Select(r => r.MibPerSecond)):0.00} MiB/s " +
                $"(min {succeeded.Min(r => r.FramesPerSecond):N0}, max {succeeded.Max(r => r.FramesPerSecond):N0} frames/s)\n");
        }

        return text.ToString();
    }

    private static string Text(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
