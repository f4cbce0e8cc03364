using System.Diagnostics;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// Runs one server against one workload: start the server, collect garbage, then time from the first connect
/// until the server has counted every frame, polling its count every 10 ms.
/// </summary>
public static class Phase
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>After the generator has sent everything, a count that does not move for this long is a failure.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static async Task<PhaseResult> RunAsync(
        int run, ServerKind kind, Workload workload, TimeSpan timeout, int connectParallelism, CancellationToken cancellationToken)
    {
        WorkloadSpec spec = workload.Spec;
        ProcessMemory.FullCollect();
        await using ICountingServer server = await ServerKinds
            .StartAsync(kind, spec.Framing, ServerKinds.MaxFrameLengthFor(spec.Size), cancellationToken)
            .ConfigureAwait(false);

        // Start-up garbage (a host, an actor system) is not part of what is measured.
        ProcessMemory.FullCollect();
        PeakWorkingSet memory = PeakWorkingSet.StartPhase();
        long expected = spec.TotalFrames;
        var generator = new LoadGenerator(workload, server.EndPoint, connectParallelism);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var poll = new PeriodicTimer(PollInterval);

        var clock = Stopwatch.StartNew();
        Task sending = generator.RunAsync(stopSending.Token);
        string? failure = null;
        long lastCount = -1;
        TimeSpan lastProgress = TimeSpan.Zero;
        while (true)
        {
            long frames = server.FramesReceived;
            TimeSpan now = clock.Elapsed;
            if (frames >= expected)
            {
                break;
            }

            if (frames != lastCount)
            {
                lastCount = frames;
                lastProgress = now;
            }

            if (sending.IsFaulted)
            {
                failure = $"load generator failed: {sending.Exception?.GetBaseException().Message}";
                break;
            }

            if (now > timeout)
            {
                failure = $"timed out after {timeout.TotalSeconds:0} s with {frames} of {expected} frames counted";
                break;
            }

            if (sending.IsCompletedSuccessfully && now - lastProgress > StallTimeout)
            {
                failure = $"all frames were sent but the count stopped at {frames} of {expected} for {StallTimeout.TotalSeconds:0} s";
                break;
            }

            memory.Sample();
            await poll.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }

        TimeSpan elapsed = clock.Elapsed;
        long counted = server.FramesReceived;
        long peak = memory.Peak;
        if (failure is null && counted > expected)
        {
            failure = $"counted {counted} frames but only {expected} were sent";
        }

        if (failure is null && server.Rejections > 0)
        {
            failure = $"the server rejected {server.Rejections} frames or connections of a well-formed workload";
        }

        await StopSendingAsync(sending, stopSending, failure is not null).ConfigureAwait(false);
        return new PhaseResult(run, server.Name, expected, counted, elapsed, spec.FrameLength, memory.Start, peak, failure);
    }

    private static async Task StopSendingAsync(Task sending, CancellationTokenSource stopSending, bool failed)
    {
        if (failed)
        {
            await stopSending.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            // Every frame was counted, so every send has completed or is about to; the bound is only a safety net.
            await sending.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (Exception) when (failed)
        {
            // The phase already failed and says why; how the cancelled sends ended adds nothing.
        }
    }
}
