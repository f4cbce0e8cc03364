using System.Globalization;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;
using ActorNet.Benchmarks.Storage;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>
/// <c>jsonl-vs-rsyslog</c>: ActorNet's jsonl sink against a private rsyslogd (imtcp → omfile), in one run, fed the
/// same newline-terminated lines by the child-process load generator, each timed from the child's first connect
/// until its output file holds every line. The "busy fleets" issue asks for ActorNet at 1.5 times rsyslog or more.
/// </summary>
public static class JsonlVsRsyslogCommand
{
    public const string Usage = """
          jsonl-vs-rsyslog [--connections 100] [--frames 50000] [--size 100] [--runs 3] [--warmup 1] [--seed 1]
                [--timeout 300] [--connect-parallelism 256] [--rsyslog-queue-workers 1]
              C peers send N newline-terminated lines of S bytes each to a private rsyslogd (imtcp -> omfile, its
              own configuration and temporary folder, 127.0.0.1 only; needs rsyslogd installed), then to ActorNet
              (tcp-listen, newline framing, text parser, one jsonl sink with reference.conf's settings). Each is
              timed from the load generator's first connect (a child process) until its file holds C x N lines.
              Prints frames/s, peak RSS and CPU of each server process and ActorNet / rsyslog, per run and of the
              medians; temporary files are deleted.
        """;

    private const int WarmupFrames = 2000;

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        var spec = new WorkloadSpec(
            options.Int("connections", 100, 1, 10_000),
            options.Int("frames", 50_000, 1, 100_000_000),
            options.Int("size", 100, 1, 64 * 1024),
            WireFraming.Lines,
            options.Int("seed", 1, int.MinValue, int.MaxValue));
        int runs = options.Int("runs", 3, 1, 20);
        int warmups = options.Int("warmup", 1, 0, 10);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 300, 1, 3600));
        int parallelism = options.Int("connect-parallelism", LoadGenerator.DefaultConnectParallelism, 1, 10_000);
        int queueWorkers = options.Int("rsyslog-queue-workers", 1, 1, 64);
        options.ThrowIfUnread();
        spec.Validate();

        // Before anything is measured: a missing rsyslogd is a clear error, not a failed run.
        string rsyslogd = RsyslogProcess.FindProgram();
        FileDescriptorLimit.EnsureRoomFor(spec.Connections, $"jsonl-vs-rsyslog with {spec.Connections} connections (ActorNet's server sockets)");

        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine($"rsyslog: {RsyslogProcess.Version(rsyslogd)} ({rsyslogd}), main queue FixedArray of {RsyslogConfig.QueueSize:N0} in memory, " +
                          Invariant($"dequeue batches of {RsyslogConfig.DequeueBatchSize}, {queueWorkers} worker(s); omfile asyncWriting, ioBufferSize 64k, flushInterval 1 s"));
        Console.WriteLine(
            Invariant($"workload: {spec.Connections} connections x {spec.Frames:N0} lines x {spec.Size} bytes (+ '\\n'), seed {spec.Seed}: {spec.TotalFrames:N0} lines, ") +
            Invariant($"{ProcessMemory.Mib(spec.TotalBytes)} MiB; the load generator is a child process started for each run; ") +
            "times run from its first connect until the server's file holds every line (tailed every 10 ms)");

        string? configuration = null;
        for (int i = 1; i <= warmups; i++)
        {
            // ActorNet only: its JIT work is not to be timed. rsyslogd is native code started afresh for every run;
            // a warm-up of it would warm nothing that the measured instance keeps.
            Console.Write(Invariant($"warm-up {i}/{warmups}: actornet ... "));
            FileSinkResult warmup = await RunActorNetAsync(i, spec with { Frames = Math.Min(spec.Frames, WarmupFrames) }, timeout, parallelism,
                settings => configuration ??= settings, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(warmup.Succeeded ? "done" : $"FAILED: {warmup.Failure}");
            if (!warmup.Succeeded)
            {
                return 1;
            }
        }

        var results = new List<FileSinkResult>();
        for (int run = 1; run <= runs; run++)
        {
            Console.Write(Invariant($"run {run}/{runs}: rsyslog ... "));
            FileSinkResult rsyslog;
            await using (RsyslogProcess server = await RsyslogProcess.StartAsync(rsyslogd, RsyslogConfig.MaxSessionsFor(spec.Connections), spec.Size + 1, queueWorkers, cancellationToken)
                             .ConfigureAwait(false))
            {
                rsyslog = await FileSinkPhase.RunAsync(run, server, spec, timeout, parallelism, cancellationToken).ConfigureAwait(false);
            }

            Report(rsyslog);
            results.Add(rsyslog);

            Console.Write(Invariant($"run {run}/{runs}: actornet ... "));
            FileSinkResult actorNet = await RunActorNetAsync(run, spec, timeout, parallelism, settings => configuration ??= settings, cancellationToken)
                .ConfigureAwait(false);
            Report(actorNet);
            results.Add(actorNet);
        }

        if (configuration is not null)
        {
            Console.WriteLine(configuration);
        }

        Console.WriteLine();
        Console.Write(FileSinkResultTable.Format(results));
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    private static async Task<FileSinkResult> RunActorNetAsync(
        int run, WorkloadSpec spec, TimeSpan timeout, int parallelism, Action<string> describe, CancellationToken cancellationToken)
    {
        await using JsonlServer server = await JsonlServer.StartAsync(spec.Size, spec.TotalFrames, cancellationToken).ConfigureAwait(false);
        describe(Describe(server));
        return await FileSinkPhase.RunAsync(run, server, spec, timeout, parallelism, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(JsonlServer server)
    {
        var sink = server.Settings.Sinks["store"];
        var source = server.Settings.Sources[0];
        return Invariant(
            $"actornet: sink type = {sink.Type}, buffer-size = {sink.BufferSize} B, flush-interval = {sink.FlushInterval.TotalMilliseconds:0} ms (each flush also fsyncs), ") +
            Invariant($"dedicated-thread = {(sink.DedicatedThread ? "on" : "off")}; source read-buffer-size = {source.ReadBufferSize} B, ") +
            Invariant($"max-inflight-frames = {source.MaxInflightFrames}, parser-parallelism = {source.ParserParallelism} (all from reference.conf)");
    }

    private static void Report(FileSinkResult result) =>
        Console.WriteLine(result.Succeeded
            ? Invariant($"{result.FramesPerSecond:N0} frames/s, {result.Elapsed.TotalSeconds:0.000} s, peak RSS {ProcessMemory.Mib(result.PeakResident)} MiB, {result.Cores:0.00} cores")
            : $"FAILED: {result.Failure}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
