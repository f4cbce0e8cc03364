using System.Globalization;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// How busy the whole machine was over a phase, from the kernel's <c>/proc/stat</c> counters: every process, the load
/// generator included, and the kernel's own work (softirqs) on their behalf. A latency tail on a machine whose cores
/// are all busy is queueing for a core, whatever the server does; this tells that case apart. Null where
/// <c>/proc/stat</c> is not there (not Linux).
/// </summary>
public readonly record struct MachineCpu(long BusyTicks, long TotalTicks)
{
    public static MachineCpu? Now()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in clock ticks since boot.
        string line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        long[] ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        long idle = ticks[3] + ticks[4];
        long total = ticks.Sum();
        return new MachineCpu(total - idle, total);
    }

    /// <summary>The share of all cores busy between <paramref name="start"/> and now (0..1); null when unknown.</summary>
    public static double? BusySince(MachineCpu? start)
    {
        MachineCpu? end = Now();
        if (start is not { } s || end is not { } e || e.TotalTicks <= s.TotalTicks)
        {
            return null;
        }

        return (double)(e.BusyTicks - s.BusyTicks) / (e.TotalTicks - s.TotalTicks);
    }
}
