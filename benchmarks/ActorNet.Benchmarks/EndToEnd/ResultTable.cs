using System.Globalization;
using System.Text;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// Prints phase results as an aligned table, then ActorNet's throughput as a share of the raw ceiling, or, when TLS
/// ActorNet ran (<c>--servers tls</c>), TLS ActorNet's as a share of plaintext ActorNet's in the same run.
/// </summary>
public static class ResultTable
{
    private static readonly string[] Headers = ["run", "server", "frames", "seconds", "frames/s", "MiB/s", "peak WS MiB", "WS growth MiB", "CPU µs/frame", "gen CPU µs/frame", "alloc B/frame", "GCs 0/1/2", "GC pause ms", "result"];

    /// <param name="cryptoSecondsPerByte">With TLS runs: <see cref="CryptoFloor.SecondsPerByteSealedAndOpened"/>, for the bound it prints.</param>
    public static string Format(IReadOnlyList<PhaseResult> results, double? cryptoSecondsPerByte = null)
    {
        var rows = new List<string[]> { Headers };
        rows.AddRange(results.Select(r => new[]
        {
            r.Run.ToString(CultureInfo.InvariantCulture),
            r.Server,
            r.Frames.ToString("N0", CultureInfo.InvariantCulture),
            r.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
            r.FramesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
            r.MibPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
            ProcessMemory.Mib(r.PeakWorkingSet),
            ProcessMemory.Mib(r.PeakWorkingSet - r.StartWorkingSet),
            r.CpuMicrosecondsPerFrame.ToString("0.000", CultureInfo.InvariantCulture),
            r.GeneratorCpu is null ? "n/a" : r.GeneratorCpuMicrosecondsPerFrame.ToString("0.000", CultureInfo.InvariantCulture),
            r.AllocatedBytesPerFrame.ToString("0.0", CultureInfo.InvariantCulture),
            $"{r.Cost.Gen0}/{r.Cost.Gen1}/{r.Cost.Gen2}",
            r.Cost.GcPause.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),
            r.Failure is null ? "ok" : "FAILED",
        }));

        int[] widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                // Names left-aligned, numbers right-aligned, no trailing blanks.
                string cell = c == row.Length - 1 ? row[c] : c == 1 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]);
                text.Append(cell).Append(c < row.Length - 1 ? "  " : "\n");
            }
        }

        foreach (PhaseResult failed in results.Where(r => !r.Succeeded))
        {
            text.Append(CultureInfo.InvariantCulture, $"run {failed.Run} {failed.Server} FAILED: {failed.Failure}\n");
        }

        text.Append(Medians(results));
        bool tls = results.Any(r => r.Server == "actornet-tls");
        text.Append(tls
            ? Ratios(results, "actornet", "actornet-tls", "ActorNet TLS / ActorNet plaintext")
            : Ratios(results, "raw", "actornet", "ActorNet / raw"));
        if (tls) text.Append(CpuRatio(results));
        if (tls && cryptoSecondsPerByte is { } perByte) text.Append(Floor(results, perByte));
        return text.ToString();
    }

    /// <summary>
    /// The server's own CPU per frame, plaintext / TLS (medians): on a machine whose cores the load generator shares, the
    /// frames/s ratio also pays for the generator's encryption; this one is the server's alone.
    /// </summary>
    private static string CpuRatio(IReadOnlyList<PhaseResult> results)
    {
        double[] Cpu(string server) => results.Where(r => r.Server == server && r.Succeeded).Select(r => r.CpuMicrosecondsPerFrame).ToArray();
        double[] plain = Cpu("actornet");
        double[] tls = Cpu("actornet-tls");
        if (plain.Length == 0 || tls.Length == 0)
        {
            return "";
        }

        double plainMedian = Median(plain);
        double tlsMedian = Median(tls);
        return string.Create(CultureInfo.InvariantCulture,
            $"server CPU µs/frame (medians): plaintext {plainMedian:0.000}, TLS {tlsMedian:0.000}; plaintext / TLS = {plainMedian / tlsMedian:P1} (the server's own cost, without the load generator's share of the cores)\n");
    }

    /// <summary>The crypto floor's bound for the median plaintext run (by frames/s) with a known generator CPU.</summary>
    private static string Floor(IReadOnlyList<PhaseResult> results, double secondsPerByte)
    {
        var plain = results.Where(r => r.Server == "actornet" && r.Succeeded && r.GeneratorCpu is not null).OrderBy(r => r.FramesPerSecond).ToArray();
        if (plain.Length == 0) return "";
        var median = plain[plain.Length / 2];
        var cpu = median.Cost.Cpu.TotalSeconds + median.GeneratorCpu!.Value.TotalSeconds;
        return CryptoFloor.Describe(secondsPerByte, cpu, median.Frames * median.BytesPerFrame);
    }

    /// <summary>With several runs on a shared or noisy machine the median says more than any single run.</summary>
    private static string Medians(IReadOnlyList<PhaseResult> results)
    {
        var text = new StringBuilder();
        foreach (var server in results.Where(r => r.Succeeded).GroupBy(r => r.Server).Where(g => g.Count() > 1))
        {
            double[] rates = server.Select(r => r.FramesPerSecond).ToArray();
            text.Append(CultureInfo.InvariantCulture,
                $"{server.Key}: median {Median(rates):N0} frames/s over {rates.Length} runs (min {rates.Min():N0}, max {rates.Max():N0})\n");
        }

        return text.ToString();
    }

    /// <summary>Per run, <paramref name="measured"/>'s frames/s as a share of <paramref name="baseline"/>'s (and the medians' over several runs).</summary>
    private static string Ratios(IReadOnlyList<PhaseResult> results, string baseline, string measured, string title)
    {
        var text = new StringBuilder();
        var perRun = results.GroupBy(r => r.Run)
            .Select(run => (Run: run.Key, Base: run.FirstOrDefault(r => r.Server == baseline), Measured: run.FirstOrDefault(r => r.Server == measured)))
            .Where(run => run.Base is not null && run.Measured is not null)
            .ToList();
        if (perRun.Count == 0)
        {
            return $"{title}: n/a (both servers must run)\n";
        }

        foreach (var (run, baseResult, measuredResult) in perRun)
        {
            text.Append(CultureInfo.InvariantCulture, $"run {run}: {title} = {RatioText(baseResult!, measuredResult!)}\n");
        }

        if (perRun.Count > 1 && perRun.All(r => r.Base!.Succeeded && r.Measured!.Succeeded))
        {
            double baseMedian = Median(perRun.Select(r => r.Base!.FramesPerSecond));
            double measuredMedian = Median(perRun.Select(r => r.Measured!.FramesPerSecond));
            text.Append(CultureInfo.InvariantCulture, $"medians: {title} = {measuredMedian / baseMedian:P1}\n");
        }

        return text.ToString();
    }

    private static string RatioText(PhaseResult baseline, PhaseResult measured) =>
        baseline.Succeeded && measured.Succeeded
            ? (measured.FramesPerSecond / baseline.FramesPerSecond).ToString("P1", CultureInfo.InvariantCulture)
            : "n/a (a phase failed)";

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
