using System.Runtime;
using System.Runtime.InteropServices;

namespace ActorNet.Benchmarks.Common;

/// <summary>One line that says what the figures below were measured on; results are meaningless without it.</summary>
public static class RunEnvironment
{
    public static string Describe()
    {
        string gc = GCSettings.IsServerGC ? "server" : "workstation";
        string concurrent = GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent";
#if DEBUG
        const string build = "DEBUG build (figures are not representative: use -c Release)";
#else
        const string build = "Release build";
#endif
        return $".NET {Environment.Version}, {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}, " +
               $"{Environment.ProcessorCount} cores, {gc} {concurrent} GC, {build}";
    }
}
