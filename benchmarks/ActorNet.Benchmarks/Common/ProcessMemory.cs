using System.Diagnostics;

namespace ActorNet.Benchmarks.Common;

/// <summary>Reads this process's memory the same way for every measurement.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// Collects everything that can be collected and gives freed regions back to the OS (aggressive mode), so
    /// that a phase starts without the garbage of the one before and working-set deltas are not hidden by memory
    /// the previous phase left committed. Finalizers run in between because sockets and pipes have them.
    /// </summary>
    public static void FullCollect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Bytes of live managed objects after a full collection.</summary>
    public static long ManagedHeapBytes() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>Resident set size now (Linux: VmRSS).</summary>
    public static long WorkingSetBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
