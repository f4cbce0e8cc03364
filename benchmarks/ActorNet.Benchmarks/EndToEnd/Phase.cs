using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// Runs one server against one workload: start the server, collect garbage, then time from the first connect
/// until the server has counted every frame, polling its count every 10 ms. The load generator runs in a child
/// process (<see cref="RunWithChildAsync"/>) or in this one (<see cref="RunInProcessAsync"/>).
/// </summary>
public static class Phase
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>After the generator has sent everything, a count that does not move for this long is a failure.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The load generator in a child process: this process's memory is the server's own.</summary>
    public static async Task<PhaseResult> RunWithChildAsync(
        int run, ServerKind kind, WorkloadSpec spec, ActorNetTuning tuning, TimeSpan timeout, int connectParallelism,
        CancellationToken cancellationToken)
    {
        await using ICountingServer server = await StartServerAsync(kind, spec, tuning, cancellationToken).ConfigureAwait(false);
        PeakWorkingSet memory = PeakWorkingSet.StartPhase();
        ProcessCost costAtStart = ProcessCost.Now();
        StalledSink? stalled = (server as ActorNetServer)?.StalledSink;
        await using RssTimeline? rss = stalled is null ? null : RssTimeline.Start();
        await using LoadGenProcess child = LoadGenProcess.Start(server.EndPoint, spec, connectParallelism, ServerKinds.SpeaksTls(kind));

        long startedAt;
        try
        {
            // The child builds its streams before its first connect; that is not timed.
            startedAt = await child.Started.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BenchmarkFailedException or TimeoutException)
        {
            return Result(run, server, spec, TimeSpan.Zero, memory, e.Message);
        }

        (string? failure, long endedAt) = await CountAsync(
            server, spec.TotalFrames, child.Finished, timeout, StallTimeout + tuning.SinkStall, memory, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(startedAt, endedAt);
        ProcessCost cost = ProcessCost.Since(costAtStart);
        string? details = stalled is null || rss is null ? null : StallReport((ActorNetServer)server, stalled, rss, endedAt, memory.Start);
        TimeSpan? generatorCpu = failure is null ? await GeneratorCpuAsync(child).ConfigureAwait(false) : null;
        return Result(run, server, spec, elapsed, memory, failure, details) with { Cost = cost, GeneratorCpu = generatorCpu };
    }

    /// <summary>
    /// The child's CPU for the phase, which it prints once it has sent everything (after the server counted the last frame,
    /// so waiting for it does not touch the timing); null if it does not say so in time.
    /// </summary>
    private static async Task<TimeSpan?> GeneratorCpuAsync(LoadGenProcess child)
    {
        try
        {
            await child.Finished.WaitAsync(GeneratorExitTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or BenchmarkFailedException)
        {
            // The figure is missing from the table, nothing more: the phase itself succeeded.
        }

        return child.SendCpu;
    }

    private static readonly TimeSpan GeneratorExitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The load generator in this process, sharing its memory and cores with the server.</summary>
    public static async Task<PhaseResult> RunInProcessAsync(
        int run, ServerKind kind, Workload workload, TimeSpan timeout, int connectParallelism, CancellationToken cancellationToken)
    {
        WorkloadSpec spec = workload.Spec;
        await using ICountingServer server = await StartServerAsync(kind, spec, ActorNetTuning.Default, cancellationToken).ConfigureAwait(false);
        PeakWorkingSet memory = PeakWorkingSet.StartPhase();
        ProcessCost costAtStart = ProcessCost.Now();
        var generator = new LoadGenerator(workload, server.EndPoint, connectParallelism, ServerKinds.SpeaksTls(kind));
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        long startedAt = Stopwatch.GetTimestamp();
        Task sending = generator.RunAsync(stopSending.Token);
        (string? failure, long endedAt) = await CountAsync(
            server, spec.TotalFrames, sending, timeout, StallTimeout, memory, cancellationToken).ConfigureAwait(false);
        PhaseResult result = Result(run, server, spec, Stopwatch.GetElapsedTime(startedAt, endedAt), memory, failure)
            with { Cost = ProcessCost.Since(costAtStart) };
        await StopSendingAsync(sending, stopSending, failure is not null).ConfigureAwait(false);
        return result;
    }

    private static async Task<ICountingServer> StartServerAsync(
        ServerKind kind, WorkloadSpec spec, ActorNetTuning tuning, CancellationToken cancellationToken)
    {
        ProcessMemory.FullCollect();
        ICountingServer server = await ServerKinds
            .StartAsync(kind, spec.Framing, ServerKinds.MaxFrameLengthFor(spec.Size), tuning, cancellationToken)
            .ConfigureAwait(false);

        // Start-up garbage (a host, an actor system) is not part of what is measured.
        ProcessMemory.FullCollect();
        return server;
    }

    /// <summary>Polls the server's count until it reaches <paramref name="expected"/> or the phase fails.</summary>
    /// <returns>Why the phase failed (or null), and the Stopwatch timestamp at which the polling ended.</returns>
    private static async Task<(string? Failure, long EndedAt)> CountAsync(
        ICountingServer server, long expected, Task sending, TimeSpan timeout, TimeSpan stallTimeout, PeakWorkingSet memory,
        CancellationToken cancellationToken)
    {
        using var poll = new PeriodicTimer(PollInterval);
        var clock = Stopwatch.StartNew();
        long lastCount = -1;
        TimeSpan lastProgress = TimeSpan.Zero;
        string? failure = null;
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

            if (sending.IsCompletedSuccessfully && now - lastProgress > stallTimeout)
            {
                failure = $"all frames were sent but the count stopped at {frames} of {expected} for {stallTimeout.TotalSeconds:0} s";
                break;
            }

            memory.Sample();
            await poll.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }

        return (failure, Stopwatch.GetTimestamp());
    }

    private static PhaseResult Result(
        int run, ICountingServer server, WorkloadSpec spec, TimeSpan elapsed, PeakWorkingSet memory, string? failure, string? details = null)
    {
        long expected = spec.TotalFrames;
        long counted = server.FramesReceived;
        if (failure is null && counted > expected)
        {
            failure = $"counted {counted} frames but only {expected} were sent";
        }

        if (failure is null && server.Rejections > 0)
        {
            failure = $"the server rejected {server.Rejections} frames or connections of a well-formed workload";
        }

        // A recording that fell behind dropped records: its throughput is not that of a complete recording.
        if (failure is null && server is ActorNetServer { RecordDropped: > 0 and var dropped })
        {
            failure = $"the recording dropped {dropped:N0} records (actornet_record_dropped_total): not the throughput of a complete recording";
        }

        return new PhaseResult(run, server.Name, expected, counted, elapsed, spec.FrameLength, memory.Start, memory.Peak, failure, details);
    }

    /// <summary>
    /// The RSS timeline of a stalled-sink phase: the highest sample before, during and after the stall, and the
    /// peak during the stall less max-buffered-bytes (what ActorNet holds beyond its budget).
    /// </summary>
    private static string StallReport(ActorNetServer server, StalledSink sink, RssTimeline rss, long endedAt, long startRss)
    {
        IReadOnlyList<(long At, long Bytes)> samples = rss.Samples;
        long stalledAt = sink.StalledAt;
        long resumesAt = sink.ResumesAt;
        if (stalledAt == 0 || samples.Count == 0)
        {
            return "stall: the sink was never written to";
        }

        long origin = samples[0].At;
        long? Max(Func<long, bool> when) => samples.Where(s => when(s.At)).Select(s => (long?)s.Bytes).Max();
        string Mib(long? bytes) => bytes is { } b ? ProcessMemory.Mib(b) + " MiB" : "n/a (no sample)";
        long? before = Max(at => at < stalledAt);
        long during = Max(at => at >= stalledAt && at < resumesAt) ?? 0;
        long? after = Max(at => at >= resumesAt && at <= endedAt);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  RSS every 250 ms (s since the phase started: MiB); stall {Seconds(origin, stalledAt):0.00}..{Seconds(origin, resumesAt):0.00} s, last frame at {Seconds(origin, endedAt):0.00} s\n");
        for (int i = 0; i < samples.Count; i += 10)
        {
            text.Append("   ");
            foreach ((long at, long bytes) in samples.Skip(i).Take(10))
            {
                text.Append(CultureInfo.InvariantCulture, $" {Seconds(origin, at),6:0.00}:{ProcessMemory.Mib(bytes),7}");
            }

            text.Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"  RSS at start {ProcessMemory.Mib(startRss)} MiB; max before the stall {Mib(before)}, during it {Mib(during)}, after it until the last frame {Mib(after)}\n");
        text.Append(CultureInfo.InvariantCulture, $"  max-buffered-bytes {ProcessMemory.Mib(server.MaxBufferedBytes)} MiB: max during the stall - max-buffered-bytes = {ProcessMemory.Mib(during - server.MaxBufferedBytes)} MiB; growth during the stall over the RSS at start - max-buffered-bytes = {ProcessMemory.Mib(during - startRss - server.MaxBufferedBytes)} MiB\n");
        text.Append(CultureInfo.InvariantCulture, $"  every frame written {Seconds(resumesAt, endedAt):0.000} s after the sink resumed ({server.FramesReceived:N0} frames, {server.Rejections} rejected)\n");
        return text.ToString();
    }

    private static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;

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
