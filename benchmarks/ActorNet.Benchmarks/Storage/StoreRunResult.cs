namespace ActorNet.Benchmarks.Storage;

/// <summary>One workload stored once.</summary>
/// <param name="Run">1-based run number.</param>
/// <param name="Destination">The file or table written.</param>
/// <param name="ExpectedFrames">Frames the load generator sends.</param>
/// <param name="Committed">Frames the sink reported committed when the run ended.</param>
/// <param name="Elapsed">From the first connect until the sink committed the last frame (or the run failed).</param>
/// <param name="BytesPerFrame">Wire bytes per frame (payload and '\n'), for MiB/s.</param>
/// <param name="Transactions">Batches the sink committed, one transaction each.</param>
/// <param name="SinkWriteTime">Time the sink spent in its successful writes (each a whole transaction, commit included).</param>
/// <param name="WriteFailures">Sink writes that failed and were retried.</param>
/// <param name="BytesPerRead">Average bytes per socket read: a batch is one read.</param>
/// <param name="CpuTime">CPU time of this process (load generator, ActorNet, sink) over the run.</param>
/// <param name="Stored">What the database held after the run, or null when it was not counted.</param>
/// <param name="Failure">Why the run failed, or null.</param>
public sealed record StoreRunResult(
    int Run,
    string Destination,
    long ExpectedFrames,
    long Committed,
    TimeSpan Elapsed,
    int BytesPerFrame,
    long Transactions,
    TimeSpan SinkWriteTime,
    long WriteFailures,
    double BytesPerRead,
    TimeSpan CpuTime,
    StoredRows? Stored,
    string? Failure)
{
    public bool Succeeded => Failure is null;

    public double FramesPerSecond => Committed / Elapsed.TotalSeconds;

    public double MibPerSecond => Committed * (double)BytesPerFrame / Elapsed.TotalSeconds / (1024 * 1024);

    public double FramesPerTransaction => Committed / (double)Math.Max(1, Transactions);

    public double TransactionsPerSecond => Transactions / Elapsed.TotalSeconds;

    /// <summary>Mean time of one sink write: one transaction of <see cref="FramesPerTransaction"/> rows.</summary>
    public double MillisecondsPerTransaction => SinkWriteTime.TotalMilliseconds / Math.Max(1, Transactions);

    /// <summary>Share of the run the sink spent writing: near 1 when the sink sets the pace.</summary>
    public double SinkBusy => SinkWriteTime / Elapsed;

    /// <summary>Share of one core: above 1 means more than one thread was busy (the machine has <see cref="Environment.ProcessorCount"/>).</summary>
    public double Cores => CpuTime / Elapsed;
}
