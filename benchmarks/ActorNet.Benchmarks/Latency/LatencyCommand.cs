using System.Diagnostics;
using System.Globalization;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// <c>latency</c>: the end-to-end benchmark's latency mode. ActorNet runs in this process with the
/// <see cref="LatencySink"/>; stamping peers run in a child process (<c>loadgen --paced</c>). Prints read→sink and
/// send→sink percentiles and the peak RSS of this process, from the first connect.
/// </summary>
public static class LatencyCommand
{
    public const string Usage = """
          latency [--connections 10000] [--interval-ms 100 | --rate R] [--size 100] [--duration 20] [--settle 2] [--timeout 120]
              [--servers actornet|raw|both]
          latency --half-of-saturation [--connections 100] [--probe 5] [--size 100] [--duration 20] [--settle 2]
              Peers in a child process send lines stamped with their send time, one every --interval-ms (or --rate
              per second) each; prints p50/p99/p99.9/max of read->sink-write and send->sink-write, peak RSS, CPU,
              how busy the whole machine was, and read->sink second by second. --servers both first paces the same
              peers at the raw ceiling (e2e's Socket+Pipelines loop, reading each stamp as the read completes: what
              the machine costs before any server work), then at ActorNet. --half-of-saturation first saturates
              ActorNet for --probe seconds, then paces at half that rate.
              The "steady" rows leave out what was written before --settle seconds after the last connect.
        """;

    private static readonly TimeSpan DrainStall = TimeSpan.FromSeconds(15);

    // The baseline first, as in e2e.
    private static readonly IReadOnlyDictionary<string, string[]> ServerNames = new Dictionary<string, string[]>
    {
        ["actornet"] = ["actornet"],
        ["raw"] = ["raw"],
        ["both"] = ["raw", "actornet"],
    };

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        bool halfOfSaturation = options.Flag("half-of-saturation");
        int peers = options.Int("connections", halfOfSaturation ? 100 : 10_000, 1, 19_000);
        int size = options.Int("size", 100, SendStamp.MinimumPayload, 1024 * 1024);
        var duration = TimeSpan.FromSeconds(options.Int("duration", 20, 1, 3600));
        var probe = TimeSpan.FromSeconds(options.Int("probe", 5, 1, 600));
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 120, 1, 3600));
        var settle = TimeSpan.FromSeconds(options.Int("settle", 2, 0, 3600));
        string? intervalText = options.String("interval-ms");
        string? rateText = options.String("rate");
        if (intervalText is not null && rateText is not null)
        {
            throw new UsageException("give --interval-ms or --rate, not both");
        }

        if (halfOfSaturation && (intervalText is not null || rateText is not null))
        {
            throw new UsageException("--half-of-saturation measures the rate itself: leave out --interval-ms and --rate");
        }

        string serversText = options.String("servers") ?? "actornet";
        if (!ServerNames.TryGetValue(serversText, out string[]? servers))
        {
            throw new UsageException($"option --servers: '{serversText}' is not one of {string.Join(", ", ServerNames.Keys)}");
        }

        double ratePerPeer = rateText is not null
            ? Positive("rate", rateText)
            : 1000.0 / (intervalText is not null ? Positive("interval-ms", intervalText) : 100.0);
        options.ThrowIfUnread();

        // This process holds the server ends; the child, which inherits the same limit, holds the client ends.
        FileDescriptorLimit.EnsureRoomFor(peers, $"latency with {peers} connections (each of this process and its loadgen child holds {peers} sockets)");

        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine(
            "method: ActorNet (tcp-listen, newline framing, text parser, latency sink on the shared dispatcher) in this process; " +
            "the peers in a child process (loadgen --paced). Everything counts from the child's first connect. " +
            "read->sink: FrameBatch.ReceivedAt (wall clock, taken as the socket read completes) to the sink's Write. " +
            "send->sink: the peer's Stopwatch stamp in the payload (CLOCK_MONOTONIC) to the sink's Write. " +
            "raw (--servers raw|both): e2e's Socket+Pipelines ceiling in this process, reading the stamps as each read completes.");
        Console.WriteLine();

        if (halfOfSaturation)
        {
            PhaseResult ceiling = await RunPhaseAsync("saturating", "actornet", peers, size, 0, probe, settle, timeout, cancellationToken).ConfigureAwait(false);
            Print(ceiling);
            ratePerPeer = ceiling.FramesPerSecond / 2 / peers;
            Console.WriteLine(Invariant($"half of the saturating rate: {ceiling.FramesPerSecond / 2:N0} frames/s, {ratePerPeer:N1} per peer"));
            Console.WriteLine();
        }

        long intervalNs = Math.Max(1, (long)Math.Round(1e9 / ratePerPeer));
        bool failed = false;
        foreach (string server in servers)
        {
            PhaseResult paced = await RunPhaseAsync("paced", server, peers, size, intervalNs, duration, settle, timeout, cancellationToken).ConfigureAwait(false);
            Print(paced);
            failed |= paced.Failed;
        }

        return failed ? 1 : 0;
    }

    private static async Task<PhaseResult> RunPhaseAsync(string name, string serverName, int peers, int size, long intervalNs, TimeSpan duration,
        TimeSpan settle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string offered = intervalNs == 0
            ? "as fast as each can"
            : Invariant($"one every {intervalNs / 1e6:0.###} ms each ({peers * 1e9 / intervalNs:N0} frames/s offered)");
        Console.WriteLine(Invariant($"{name}, {serverName}: {peers:N0} peers x {size} B lines, {offered}, for {duration.TotalSeconds:0} s ..."));

        ProcessMemory.FullCollect();
        await using ILatencyServer server = serverName == "raw"
            ? new RawLatencyServer()
            : await LatencyServer.StartAsync(size, cancellationToken).ConfigureAwait(false);
        ProcessMemory.FullCollect();
        PeakWorkingSet memory = PeakWorkingSet.StartPhase();
        ProcessCost costAtStart = ProcessCost.Now();
        MachineCpu? machineAtStart = MachineCpu.Now();
        long costFrom = Stopwatch.GetTimestamp();
        using GcPauseLog collections = GcPauseLog.Start();

        PacedSendResult sent;
        long firstConnect;
        long clockSkew;
        await using (PacedPeersProcess child = PacedPeersProcess.Start(server.EndPoint, peers, size, intervalNs, duration))
        {
            firstConnect = await child.Started.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            server.Recorder.Timeline.Start = firstConnect;
            clockSkew = child.StartSeenAt - firstConnect;
            _ = child.Connected.ContinueWith(
                connected => server.Recorder.SteadyFrom = connected.Result + (long)(settle.TotalSeconds * Stopwatch.Frequency),
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            Task<PacedSendResult> exit = child.WaitForExitAsync(duration + timeout, cancellationToken);
            while (!exit.IsCompleted)
            {
                memory.Sample();
                await Task.WhenAny(exit, Task.Delay(100, cancellationToken)).ConfigureAwait(false);
            }

            sent = await exit.ConfigureAwait(false);
        }

        // Every frame the child sent must reach the sink; a count that stops short for DrainStall is a failure.
        long last = -1;
        long lastChange = Stopwatch.GetTimestamp();
        while (server.Recorder.Frames < sent.Frames && Stopwatch.GetElapsedTime(lastChange) < DrainStall)
        {
            memory.Sample();
            if (server.Recorder.Frames != last)
            {
                last = server.Recorder.Frames;
                lastChange = Stopwatch.GetTimestamp();
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(firstConnect, server.Recorder.LastWrite);
        long peak = memory.Peak;
        long endRss = ProcessMemory.WorkingSetBytes();
        TimeSpan steadyAfter = Stopwatch.GetElapsedTime(firstConnect, Math.Max(firstConnect, server.Recorder.SteadyFrom));
        ProcessCost cost = ProcessCost.Since(costAtStart);
        double? machineBusy = MachineCpu.BusySince(machineAtStart);
        TimeSpan phase = Stopwatch.GetElapsedTime(costFrom);
        await server.DisposeAsync().ConfigureAwait(false);
        return new PhaseResult(name, serverName, sent, server.Recorder, elapsed, memory.Start, peak, endRss, clockSkew, steadyAfter) { Cost = cost, Collections = collections.Summary(), MachineBusy = machineBusy, Phase = phase };
    }

    private static void Print(PhaseResult r)
    {
        Console.WriteLine(Invariant(
            $"  sent {r.Sent.Frames:N0} frames in {r.Sent.Writes:N0} writes in {r.Sent.Elapsed.TotalSeconds:0.0} s; load generator at most {r.Sent.MaxLag.TotalMilliseconds:0.0} ms behind its schedule; {r.Sent.Failed} peers failed"));
        Console.WriteLine(Invariant(
            $"  written {r.Recorder.Frames:N0} frames, first connect to last sink write {r.Elapsed.TotalSeconds:0.00} s: {r.FramesPerSecond:N0} frames/s"));
        Console.WriteLine(Invariant(
            $"  clock check: the child's start stamp reached this process {r.ClockSkewTicks * 1e3 / Stopwatch.Frequency:0.000} ms later (one CLOCK_MONOTONIC for both)"));
        Console.WriteLine("  latency (ms)                  p50       p99     p99.9       max     frames");
        PrintRow("read->sink", r.Recorder.ReadToSink);
        PrintRow("send->sink", r.Recorder.SendToSink);
        PrintRow("read->sink steady", r.Recorder.SteadyReadToSink);
        PrintRow("send->sink steady", r.Recorder.SteadySendToSink);
        Console.WriteLine(Invariant($"  (steady: batches written from {r.SteadyAfter.TotalSeconds:0.0} s after the first connect, --settle after the last)"));
        Console.WriteLine(Invariant(
            $"  peak RSS of this ({r.Server}) process {ProcessMemory.Mib(r.PeakRss)} MiB (after start-up {ProcessMemory.Mib(r.StartRss)} MiB, at the end {ProcessMemory.Mib(r.EndRss)} MiB)"));
        // Collections stop every thread: their count and pauses say how much of the tail they can explain.
        int collections = r.Cost.Gen0 + r.Cost.Gen1 + r.Cost.Gen2;
        Console.WriteLine(Invariant(
            $"  this process: CPU {r.Cost.Cpu.TotalSeconds:0.00} s ({r.Cost.Cpu.TotalMicroseconds / Math.Max(1, r.Recorder.Frames):0.0} µs/frame), {r.Cost.AllocatedBytes / (double)Math.Max(1, r.Recorder.Frames):0} B allocated/frame, collections gen0/1/2 {r.Cost.Gen0}/{r.Cost.Gen1}/{r.Cost.Gen2}, paused {r.Cost.GcPause.TotalMilliseconds:0} ms in all (mean {r.Cost.GcPause.TotalMilliseconds / Math.Max(1, collections):0.0} ms)"));
        Console.Write(r.Collections);
        if (r.MachineBusy is { } busy)
        {
            // Both over the same span: from just before the child starts (its start-up counts) to the end of the drain.
            Console.WriteLine(Invariant(
                $"  machine: {busy * 100:0} % of {Environment.ProcessorCount} cores busy over the phase; this process {r.Cost.Cpu / r.Phase:0.00} cores, everything else (the load generator, the kernel for it) {busy * Environment.ProcessorCount - r.Cost.Cpu / r.Phase:0.00}"));
        }

        Console.Write(r.Recorder.Timeline.Describe());
        if (r.Recorder.ClockStepsBack > 0 || r.Recorder.Unstamped > 0)
        {
            Console.WriteLine(Invariant(
                $"  note: {r.Recorder.ClockStepsBack} batches had a read time after their sink time (wall clock stepped back) and are not in read->sink; {r.Recorder.Unstamped} frames had no stamp"));
        }

        if (r.Failed)
        {
            Console.WriteLine(Invariant($"  FAILED: the sink wrote {r.Recorder.Frames:N0} of {r.Sent.Frames:N0} frames sent, or peers failed"));
        }

        Console.WriteLine();
    }

    private static void PrintRow(string name, LatencyHistogram h) => Console.WriteLine(Invariant(
        $"  {name,-24} {Ms(h.Percentile(50)),9} {Ms(h.Percentile(99)),9} {Ms(h.Percentile(99.9)),9} {Ms(h.Max),9} {h.Count,10:N0}"));

    private static string Ms(long nanoseconds) => (nanoseconds / 1e6).ToString("0.000", CultureInfo.InvariantCulture);

    private static double Positive(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value)
            ? value
            : throw new UsageException($"option --{name}: '{text}' is not a positive number");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record PhaseResult(string Name, string Server, PacedSendResult Sent, LatencyRecorder Recorder, TimeSpan Elapsed, long StartRss,
        long PeakRss, long EndRss, long ClockSkewTicks, TimeSpan SteadyAfter)
    {
        public double FramesPerSecond => Recorder.Frames / Elapsed.TotalSeconds;

        public ProcessCost Cost { get; init; }

        public string Collections { get; init; } = "";

        /// <summary>Share of all cores busy over the phase (every process); null off Linux.</summary>
        public double? MachineBusy { get; init; }

        /// <summary>From just before the child starts to the end of the drain: the span the CPU figures cover.</summary>
        public TimeSpan Phase { get; init; }

        public bool Failed => Recorder.Frames != Sent.Frames || Sent.Failed > 0;
    }
}
