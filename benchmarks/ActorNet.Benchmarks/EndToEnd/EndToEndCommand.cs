using System.Globalization;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e</c>: the raw ceiling and ActorNet, in one process and one run, fed the same pre-built streams by the
/// in-process load generator; prints frames/s of each and ActorNet's share of the ceiling.
/// </summary>
public static class EndToEndCommand
{
    public const string Usage = """
          e2e [--connections 100] [--frames 50000] [--size 100] [--framing lines|length-field] [--runs 1]
              [--warmup 1] [--servers both|raw|actornet] [--seed 1] [--timeout 120] [--connect-parallelism 256]
              Feeds the raw ceiling, then ActorNet, the same C x N frames of S payload bytes over loopback and
              times each from the first connect until the server has counted every frame. --warmup untimed
              passes per server (C x min(N, 2000) frames) come first, so that JIT work is not measured.
        """;

    private const int WarmupFrames = 2000;

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        var spec = new WorkloadSpec(
            options.Int("connections", 100, 1, 20_000),
            options.Int("frames", 50_000, 1, 100_000_000),
            options.Int("size", 100, 1, 16 * 1024 * 1024),
            options.Choice("framing", WireFraming.Lines, WireFramingNames.ByName),
            options.Int("seed", 1, int.MinValue, int.MaxValue));
        int runs = options.Int("runs", 1, 1, 20);
        int warmups = options.Int("warmup", 1, 0, 10);
        ServerKind[] servers = options.Choice("servers", ServerKinds.ByName["both"], ServerKinds.ByName);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 120, 1, 3600));
        int parallelism = options.Int("connect-parallelism", LoadGenerator.DefaultConnectParallelism, 1, 10_000);
        options.ThrowIfUnread();
        spec.Validate();

        // Client and server ends of every connection live in this process.
        FileDescriptorLimit.EnsureRoomFor(2L * spec.Connections, $"e2e with {spec.Connections} connections (client and server sockets in one process)");

        Console.WriteLine(RunEnvironment.Describe());
        Workload workload = Workload.Build(spec);
        Console.WriteLine(
            Invariant($"workload: {spec.Connections} connections x {spec.Frames:N0} frames x {spec.Size} bytes, {spec.Framing.Name()}, seed {spec.Seed}: ") +
            Invariant($"{spec.TotalFrames:N0} frames, {ProcessMemory.Mib(spec.TotalBytes)} MiB in {workload.TotalWrites:N0} writes of 1..{spec.MaxWriteSize} bytes"));
        Console.WriteLine(
            Invariant($"streams pre-built in {workload.BuildTime.TotalMilliseconds:0} ms; they stay resident, so every working set below includes them. ") +
            "The load generator shares this process and its cores with the server under test.");
        Console.WriteLine();

        if (warmups > 0)
        {
            // A small workload of the same shape: enough to JIT every path, without doubling the run time.
            Workload warmupWorkload = Workload.Build(spec with { Frames = Math.Min(spec.Frames, WarmupFrames) });
            foreach (ServerKind kind in servers)
            {
                for (int i = 1; i <= warmups; i++)
                {
                    Console.Write(Invariant($"warm-up {i}/{warmups}: {kind.ToString().ToLowerInvariant()} ... "));
                    PhaseResult warmup = await Phase.RunAsync(i, kind, warmupWorkload, timeout, parallelism, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(warmup.Succeeded ? "done" : $"FAILED: {warmup.Failure}");
                    if (!warmup.Succeeded)
                    {
                        return 1;
                    }
                }
            }
        }

        var results = new List<PhaseResult>();
        for (int run = 1; run <= runs; run++)
        {
            foreach (ServerKind kind in servers)
            {
                Console.Write(Invariant($"run {run}/{runs}: {kind.ToString().ToLowerInvariant()} ... "));
                PhaseResult result = await Phase.RunAsync(run, kind, workload, timeout, parallelism, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(result.Succeeded
                    ? Invariant($"{result.FramesPerSecond:N0} frames/s")
                    : $"FAILED: {result.Failure}");
                results.Add(result);
            }
        }

        Console.WriteLine();
        Console.Write(ResultTable.Format(results));
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
