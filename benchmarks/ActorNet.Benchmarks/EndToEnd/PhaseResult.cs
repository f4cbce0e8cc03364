using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>One server fed one workload once.</summary>
/// <param name="Run">1-based run number.</param>
/// <param name="Server">Server name ("raw", "actornet").</param>
/// <param name="ExpectedFrames">Frames the load generator sends.</param>
/// <param name="Frames">Frames the server counted when the phase ended.</param>
/// <param name="Elapsed">From the first connect until the server had counted every frame (or the phase failed).</param>
/// <param name="BytesPerFrame">Wire bytes per frame, for MiB/s.</param>
/// <param name="StartWorkingSet">Resident set size when the phase started (the pre-built streams are in it).</param>
/// <param name="PeakWorkingSet">Highest resident set size during the phase.</param>
/// <param name="Failure">Why the phase did not complete, or null.</param>
/// <param name="Details">More lines to print after the phase (the stalled-sink measurement), or null.</param>
public sealed record PhaseResult(
    int Run,
    string Server,
    long ExpectedFrames,
    long Frames,
    TimeSpan Elapsed,
    int BytesPerFrame,
    long StartWorkingSet,
    long PeakWorkingSet,
    string? Failure,
    string? Details = null)
{
    /// <summary>This process's CPU, allocation and collections during the phase (with an in-process load generator, its share too).</summary>
    public ProcessCost Cost { get; init; }

    /// <summary>The child load generator's CPU from its first connect until it had sent everything; null in process or unknown.</summary>
    public TimeSpan? GeneratorCpu { get; init; }

    /// <summary>CPU microseconds the child load generator spent per frame (0 when unknown).</summary>
    public double GeneratorCpuMicrosecondsPerFrame => Frames == 0 || GeneratorCpu is not { } cpu ? 0 : cpu.TotalMicroseconds / Frames;

    /// <summary>CPU microseconds this process spent per frame.</summary>
    public double CpuMicrosecondsPerFrame => Frames == 0 ? 0 : Cost.Cpu.TotalMicroseconds / Frames;

    /// <summary>Managed bytes allocated per frame.</summary>
    public double AllocatedBytesPerFrame => Frames == 0 ? 0 : (double)Cost.AllocatedBytes / Frames;

    public bool Succeeded => Failure is null;

    public double FramesPerSecond => Frames / Elapsed.TotalSeconds;

    public double MibPerSecond => Frames * (double)BytesPerFrame / Elapsed.TotalSeconds / (1024 * 1024);
}
