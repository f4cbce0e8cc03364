using System.Globalization;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// The highest resident set size during one phase. On Linux the kernel's own high-water mark (VmHWM) is reset at
/// the start of the phase by writing 5 to /proc/self/clear_refs, so short spikes between samples are caught; where
/// that is not possible the peak is the largest of the samples taken with <see cref="Sample"/>.
/// </summary>
public sealed class PeakWorkingSet
{
    private readonly bool _kernelMarkReset;
    private long _sampledPeak;

    private PeakWorkingSet(bool kernelMarkReset, long start)
    {
        _kernelMarkReset = kernelMarkReset;
        Start = start;
        _sampledPeak = start;
    }

    /// <summary>Resident set size when the phase started.</summary>
    public long Start { get; }

    public long Peak => _kernelMarkReset && ReadHighWaterMark() is { } mark ? Math.Max(mark, _sampledPeak) : _sampledPeak;

    public static PeakWorkingSet StartPhase() => new(TryResetHighWaterMark(), ProcessMemory.WorkingSetBytes());

    /// <summary>Takes a sample where the kernel keeps no high-water mark; a no-op (and no allocation) where it does.</summary>
    public void Sample()
    {
        if (!_kernelMarkReset)
        {
            _sampledPeak = Math.Max(_sampledPeak, ProcessMemory.WorkingSetBytes());
        }
    }

    private static bool TryResetHighWaterMark()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return ReadHighWaterMark() is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Not Linux, or /proc is read-only here (some containers): fall back to sampling.
            return false;
        }
    }

    private static long? ReadHighWaterMark()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                string kib = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }
}
