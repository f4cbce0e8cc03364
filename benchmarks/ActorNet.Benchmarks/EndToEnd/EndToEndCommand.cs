using System.Globalization;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e</c>: the raw ceiling and ActorNet, in one run, fed the same streams by a load generator in a child
/// process (or, with <c>--loadgen in-process</c>, in this one); prints frames/s of each, ActorNet's share of the
/// ceiling and each server's peak RSS. With <c>--stall-sink-seconds</c>, ActorNet's sink stalls and the RSS
/// timeline shows what ActorNet holds meanwhile.
/// </summary>
public static class EndToEndCommand
{
    public const string Usage = """
          e2e [--connections 100] [--frames 50000] [--size 100] [--framing lines|length-field] [--runs 1]
              [--warmup 1] [--servers both|raw|actornet|tls] [--seed 1] [--min-write-size 1] [--timeout 120] [--connect-parallelism 256]
              [--loadgen process|in-process] [--max-buffered-bytes "256 MiB"] [--max-inflight-bytes "256 KiB"]
              [--stall-sink-seconds 0] [--record DIR]
              Feeds the raw ceiling, then ActorNet, the same C x N frames of S payload bytes over loopback and
              times each from the first connect until the server has counted every frame. The load generator is
              a child process (loadgen, same seed) unless --loadgen in-process. --warmup untimed passes per server
              (C x min(N, 2000) frames) come first, so that JIT work is not measured. --stall-sink-seconds
              (with --servers actornet) blocks ActorNet's sink for that long from its first frame and prints the
              server's RSS every 250 ms; --max-buffered-bytes sets actornet.max-buffered-bytes,
              --max-inflight-bytes the source's max-inflight-bytes. --record DIR turns
              the source's recording on into DIR (compare with a run without it; replay DIR afterwards with
              actornet replay DIR --config FILE --speed max). --servers tls runs plaintext ActorNet and ActorNet
              with TLS (a self-signed certificate made for the run; the load generator speaks TLS, handshakes
              timed) on the same workload in each run, and prints TLS / plaintext. The load generator's writes are
              log-uniform over --min-write-size..65536 bytes (one TLS record per write of up to 16 KiB); with
              --min-write-size 65536 every write is 64 KiB, for every server of the run alike.
        """;

    private const int WarmupFrames = 2000;

    private static readonly IReadOnlyDictionary<string, bool> LoadGenModes = new Dictionary<string, bool>
    {
        ["process"] = true,
        ["in-process"] = false,
    };

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        var spec = new WorkloadSpec(
            options.Int("connections", 100, 1, 20_000),
            options.Int("frames", 50_000, 1, 100_000_000),
            options.Int("size", 100, 1, 16 * 1024 * 1024),
            options.Choice("framing", WireFraming.Lines, WireFramingNames.ByName),
            options.Int("seed", 1, int.MinValue, int.MaxValue),
            MinWriteSize: options.Int("min-write-size", 1, 1, WorkloadSpec.DefaultMaxWriteSize));
        int runs = options.Int("runs", 1, 1, 20);
        int warmups = options.Int("warmup", 1, 0, 10);
        ServerKind[] servers = options.Choice("servers", ServerKinds.ByName["both"], ServerKinds.ByName);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 120, 1, 3600));
        int parallelism = options.Int("connect-parallelism", LoadGenerator.DefaultConnectParallelism, 1, 10_000);
        bool child = options.Choice("loadgen", true, LoadGenModes);
        var tuning = new ActorNetTuning(
            options.String("max-buffered-bytes"),
            TimeSpan.FromSeconds(options.Int("stall-sink-seconds", 0, 0, 3600)))
        {
            RecordDir = options.String("record"),
            MaxInflightBytes = options.String("max-inflight-bytes"),
        };
        options.ThrowIfUnread();
        spec.Validate();
        Validate(tuning, child, servers);

        // Server sockets always; client sockets too when the load generator shares this process.
        FileDescriptorLimit.EnsureRoomFor(
            (child ? 1L : 2L) * spec.Connections,
            $"e2e with {spec.Connections} connections ({(child ? "server sockets" : "client and server sockets in one process")})");

        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine(
            Invariant($"workload: {spec.Connections} connections x {spec.Frames:N0} frames x {spec.Size} bytes, {spec.Framing.Name()}, seed {spec.Seed}: ") +
            Invariant($"{spec.TotalFrames:N0} frames, {ProcessMemory.Mib(spec.TotalBytes)} MiB in writes of {spec.MinWriteSize}..{spec.MaxWriteSize} bytes"));
        Func<int, ServerKind, WorkloadSpec, ActorNetTuning, Task<PhaseResult>> phase;
        if (child)
        {
            Console.WriteLine(
                "The load generator is a child process (loadgen, same streams and seed) started for each phase; it builds its " +
                "streams before its first connect. Times run from its first connect; RSS is this process's, the server's alone.");
            phase = (run, kind, workload, actorNet) =>
                Phase.RunWithChildAsync(run, kind, workload, actorNet, timeout, parallelism, cancellationToken);
        }
        else
        {
            Workload workload = Workload.Build(spec);
            Console.WriteLine(
                Invariant($"streams pre-built in {workload.BuildTime.TotalMilliseconds:0} ms; they stay resident, so every working set below includes them. ") +
                "The load generator shares this process and its cores with the server under test.");
            // A warm-up builds its small workload when it runs and drops it after, so that it is not resident in the runs.
            phase = (run, kind, workloadSpec, _) => Phase.RunInProcessAsync(
                run, kind, workloadSpec == spec ? workload : Workload.Build(workloadSpec), timeout, parallelism, cancellationToken);
        }

        Console.WriteLine();
        foreach (ServerKind kind in servers)
        {
            for (int i = 1; i <= warmups; i++)
            {
                // A small workload of the same shape, never stalled: enough to JIT every path, without doubling the run time.
                Console.Write(Invariant($"warm-up {i}/{warmups}: {ServerKinds.Name(kind)} ... "));
                PhaseResult warmup = await phase(i, kind, WarmupSpec(spec), tuning with { SinkStall = TimeSpan.Zero }).ConfigureAwait(false);
                Console.WriteLine(warmup.Succeeded ? "done" : $"FAILED: {warmup.Failure}");
                if (!warmup.Succeeded)
                {
                    return 1;
                }
            }
        }

        var results = new List<PhaseResult>();
        for (int run = 1; run <= runs; run++)
        {
            foreach (ServerKind kind in servers)
            {
                Console.Write(Invariant($"run {run}/{runs}: {ServerKinds.Name(kind)} ... "));
                PhaseResult result = await phase(run, kind, spec, tuning).ConfigureAwait(false);
                Console.WriteLine(result.Succeeded
                    ? Invariant($"{result.FramesPerSecond:N0} frames/s, peak RSS {ProcessMemory.Mib(result.PeakWorkingSet)} MiB")
                    : $"FAILED: {result.Failure}");
                Console.Write(result.Details);
                results.Add(result);
            }
        }

        Console.WriteLine();
        // Timed after the runs, with nothing else running in this process, so that it measures the machine's AES alone.
        double? crypto = servers.Contains(ServerKind.ActorNetTls) ? CryptoFloor.SecondsPerByteSealedAndOpened() : null;
        Console.Write(ResultTable.Format(results, crypto));
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    private static void Validate(ActorNetTuning tuning, bool child, ServerKind[] servers)
    {
        if (!child && tuning != ActorNetTuning.Default)
        {
            throw new UsageException("--max-buffered-bytes, --max-inflight-bytes, --stall-sink-seconds and --record need the load generator in a child process (--loadgen process)");
        }

        if (tuning.SinkStall > TimeSpan.Zero && servers.Contains(ServerKind.Raw))
        {
            throw new UsageException("--stall-sink-seconds stalls ActorNet's sink; the raw ceiling has none: add --servers actornet");
        }

        // The value goes into HOCON as a quoted string; ActorNet's own validation says what is wrong with it.
        if (tuning.RecordDir is { } dir && dir.Any(c => c is '"' or '\\'))
        {
            throw new UsageException($"option --record: '{dir}' must not contain quotes or backslashes");
        }

        CheckSize("max-buffered-bytes", tuning.MaxBufferedBytes, "64 MiB");
        CheckSize("max-inflight-bytes", tuning.MaxInflightBytes, "256 KiB");

        ActorNetServer.Check(tuning);
    }

    /// <summary>A size goes into HOCON as a quoted string: letters, digits, spaces and dots only (ActorNet checks the rest).</summary>
    private static void CheckSize(string option, string? value, string example)
    {
        if (value is not null && !value.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '.'))
        {
            throw new UsageException($"option --{option}: '{value}' is not a size such as \"{example}\"");
        }
    }

    private static WorkloadSpec WarmupSpec(WorkloadSpec spec) => spec with { Frames = Math.Min(spec.Frames, WarmupFrames) };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
