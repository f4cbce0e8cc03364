using System.Diagnostics;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;
using ActorNet.Configuration;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// One run: a fresh file or table, ActorNet started with a sink on it, every peer sending its whole stream at
/// once, timed from the first connect until the sink has committed the last frame; then ActorNet stopped and the
/// rows counted on a connection of the benchmark's own. The run fails unless the database holds exactly the
/// frames sent, each once.
/// </summary>
public static class StoreRun
{
    /// <summary>Checks the deadline and the stall limit; the end time itself comes from the sink's commit, not from this poll.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>After the generator has sent everything, a commit count that does not move for this long is a failure.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <param name="run">1-based run number (warm-ups are numbered apart).</param>
    /// <param name="label">Names the destination ("run-1", "warmup-1").</param>
    /// <param name="describe">Receives the configuration actually used, once it is built.</param>
    public static async Task<StoreRunResult> RunAsync(
        int run, string label, IStoreDatabase database, Workload workload, TimeSpan timeout, Action<ActorNetSettings>? describe,
        CancellationToken cancellationToken)
    {
        WorkloadSpec spec = workload.Spec;
        long expected = spec.TotalFrames;
        await using IStoreDestination destination = database.CreateDestination(label);
        ActorNetSettings settings = StoreServer.Configure(spec.Size, destination.SinkKeys);
        describe?.Invoke(settings);

        ProcessMemory.FullCollect();
        StoreServer server = await StoreServer.StartAsync(settings, expected, cancellationToken).ConfigureAwait(false);
        string? failure = null;
        TimeSpan elapsed;
        TimeSpan cpu;
        long committed;
        long transactions;
        TimeSpan sinkBusy;
        try
        {
            // Start-up garbage (a host, an actor system, the sink's connection) is not part of what is measured.
            ProcessMemory.FullCollect();
            var generator = new LoadGenerator(workload, server.EndPoint);
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var poll = new PeriodicTimer(PollInterval);
            TimeSpan cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            Task sending = generator.RunAsync(stopSending.Token);
            failure = await WaitForCommitsAsync(server, sending, expected, start, timeout, poll, cancellationToken).ConfigureAwait(false);
            elapsed = Stopwatch.GetElapsedTime(start, server.CompletedAt ?? Stopwatch.GetTimestamp());
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            committed = server.FramesWritten;
            transactions = server.BatchesWritten;
            sinkBusy = server.SinkWriteTime;
            await StopSendingAsync(sending, stopSending, failure is not null).ConfigureAwait(false);
        }
        finally
        {
            // A drain: anything read but not yet written is written now, after the timing.
            await server.DisposeAsync().ConfigureAwait(false);
        }

        StoredRows? stored = null;
        if (failure is null)
        {
            // After the drain: a frame written twice or late would show here, beyond the expected total.
            stored = await destination.CountAsync(cancellationToken).ConfigureAwait(false);
            failure = Check(expected, server.FramesWritten, server.Rejections, stored.Value, destination.Name);
        }

        return new StoreRunResult(run, destination.Name, expected, committed, elapsed, spec.FrameLength, transactions,
            sinkBusy, server.WriteFailures, server.BytesPerRead, cpu, stored, failure);
    }

    /// <summary>Null once every expected frame is committed; otherwise why the wait ended.</summary>
    private static async Task<string?> WaitForCommitsAsync(
        StoreServer server, Task sending, long expected, long start, TimeSpan timeout, PeriodicTimer poll, CancellationToken cancellationToken)
    {
        long lastCount = -1;
        TimeSpan lastProgress = TimeSpan.Zero;
        while (server.CompletedAt is null)
        {
            long frames = server.FramesWritten;
            TimeSpan now = Stopwatch.GetElapsedTime(start);
            if (frames != lastCount)
            {
                lastCount = frames;
                lastProgress = now;
            }

            if (sending.IsFaulted)
            {
                return $"load generator failed: {sending.Exception?.GetBaseException().Message}";
            }

            if (now > timeout)
            {
                return $"timed out after {timeout.TotalSeconds:0} s with {frames:N0} of {expected:N0} frames committed ({server.WriteFailures} failed writes)";
            }

            if (sending.IsCompletedSuccessfully && now - lastProgress > StallTimeout)
            {
                return $"all frames were sent but commits stopped at {frames:N0} of {expected:N0} for {StallTimeout.TotalSeconds:0} s ({server.WriteFailures} failed writes)";
            }

            await poll.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Null when the database holds exactly the frames sent, each once; otherwise what is wrong.</summary>
    private static string? Check(long expected, long committed, long rejections, StoredRows stored, string destination)
    {
        if (rejections > 0)
        {
            return $"ActorNet quarantined {rejections:N0} frames of a well-formed workload";
        }

        if (stored.Rows != expected)
        {
            return $"{destination} holds {stored.Rows:N0} rows but {expected:N0} frames were sent (the sink reported {committed:N0} committed)";
        }

        if (stored.DistinctPayloads != expected)
        {
            return $"{destination} holds {stored.Rows:N0} rows but only {stored.DistinctPayloads:N0} distinct payloads: frames were stored twice and others lost";
        }

        return committed == expected ? null : $"the sink reported {committed:N0} frames committed but {expected:N0} were sent and stored";
    }

    private static async Task StopSendingAsync(Task sending, CancellationTokenSource stopSending, bool failed)
    {
        if (failed)
        {
            await stopSending.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            // Every frame was committed, so every send has completed; the bound is only a safety net.
            await sending.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (Exception) when (failed)
        {
            // The run already failed and says why; how the cancelled sends ended adds nothing.
        }
    }
}
