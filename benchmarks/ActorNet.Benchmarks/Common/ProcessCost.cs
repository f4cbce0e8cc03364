using System.Diagnostics;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// What one phase cost this process: CPU time, managed allocation and collections. Throughput alone cannot tell a
/// server that is slower from one that starves the load generator of the second core; CPU seconds per frame can,
/// and allocation and collection counts say where that CPU went. Read with <see cref="Since"/>.
/// </summary>
public readonly record struct ProcessCost(TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan GcPause)
{
    public static ProcessCost Now()
    {
        using Process self = Process.GetCurrentProcess();
        return new ProcessCost(
            self.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration());
    }

    /// <summary>The cost between <paramref name="start"/> and now.</summary>
    public static ProcessCost Since(ProcessCost start)
    {
        ProcessCost end = Now();
        return new ProcessCost(
            end.Cpu - start.Cpu,
            end.AllocatedBytes - start.AllocatedBytes,
            end.Gen0 - start.Gen0,
            end.Gen1 - start.Gen1,
            end.Gen2 - start.Gen2,
            end.GcPause - start.GcPause);
    }
}
