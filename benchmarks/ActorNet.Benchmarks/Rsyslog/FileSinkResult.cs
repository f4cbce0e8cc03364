namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>One server fed one workload once, timed until its file held every line.</summary>
/// <param name="Run">1-based run number.</param>
/// <param name="Server">"rsyslog" or "actornet".</param>
/// <param name="Expected">Lines the load generator sent.</param>
/// <param name="Lines">Lines in the server's file when the run ended.</param>
/// <param name="Elapsed">From the child's first connect until the file held every line (or the run failed).</param>
/// <param name="OutputBytes">Size of the server's file when the run ended.</param>
/// <param name="PeakResident">Highest resident set size of the server's process.</param>
/// <param name="Cpu">CPU time of the server's process over the run.</param>
/// <param name="Failure">Why the run did not complete, or null.</param>
public sealed record FileSinkResult(
    int Run, string Server, long Expected, long Lines, TimeSpan Elapsed, long OutputBytes, long PeakResident, TimeSpan Cpu, string? Failure)
{
    public bool Succeeded => Failure is null;

    public double FramesPerSecond => Lines / Elapsed.TotalSeconds;

    /// <summary>Cores the server's process kept busy on average.</summary>
    public double Cores => Cpu.TotalSeconds / Elapsed.TotalSeconds;
}
