using System.Globalization;
using System.Net;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary><c>loadgen</c>: sends a workload to a server that is already running, or holds idle connections to it.</summary>
public static class LoadGenCommand
{
    public const string Usage = """
          loadgen --port P [--host 127.0.0.1] [--connections 100] [--frames 10000] [--size 100]
                  [--framing lines|length-field] [--seed 1] [--min-write-size 1] [--connect-parallelism 256] [--tls]
              Sends C connections x N frames x S payload bytes to a running server and prints send-side figures
              (and "start clock T", its monotonic clock just before the first connect; e2e reads it). --tls: each
              connection speaks TLS (any server certificate is accepted: this measures, it does not authenticate).
          loadgen --idle --port P [--host 127.0.0.1] [--connections 1000] [--hold 60] [--exit-on-stdin-eof] [--tls]
              Opens C connections, sends nothing, holds them for --hold seconds (or until Ctrl+C), then closes.
              Prints "ready C" on its own line once all are open (the idle command reads it).
          loadgen --paced --port P [--host 127.0.0.1] [--connections 100] [--size 100] [--interval-ns 100000000]
                  [--duration 20] [--exit-on-stdin-eof]
              Each peer sends one line of S bytes every --interval-ns (0: as fast as it can), stamped with its send
              time, for --duration seconds (the latency command runs this in a child process).
        """;

    /// <summary>The line a paced or a plain load generator prints just before its first connect: its monotonic clock then.</summary>
    public const string StartPrefix = "start clock ";

    /// <summary>The line a paced load generator prints when every peer has connected (or failed to): its clock then.</summary>
    public const string ConnectedPrefix = "connected clock ";

    /// <summary>The line a paced load generator prints at the end: what it sent.</summary>
    public const string SentPrefix = "sent ";

    /// <summary>
    /// The line a plain load generator prints once it has sent everything: the CPU microseconds it spent from its first
    /// connect (encrypting too, with --tls). On a shared machine it tells whether the generator or the server set the pace.
    /// </summary>
    public const string CpuPrefix = "send cpu-us ";

    /// <summary>The line an idle load generator prints when every connection is open.</summary>
    public const string ReadyPrefix = "ready ";

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        bool idle = options.Flag("idle");
        bool paced = options.Flag("paced");
        var target = new IPEndPoint(Loopback.Parse(options.String("host")), options.Int("port", null, 1, 65535));
        int parallelism = options.Int("connect-parallelism", LoadGenerator.DefaultConnectParallelism, 1, 10_000);
        if (idle && paced)
        {
            throw new UsageException("--idle and --paced exclude each other");
        }

        return idle ? await HoldIdleAsync(options, target, parallelism, cancellationToken).ConfigureAwait(false)
            : paced ? await SendPacedAsync(options, target, parallelism, cancellationToken).ConfigureAwait(false)
            : await SendAsync(options, target, parallelism, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> SendPacedAsync(OptionReader options, IPEndPoint target, int parallelism, CancellationToken cancellationToken)
    {
        int connections = options.Int("connections", 100, 1, 20_000);
        int size = options.Int("size", 100, Latency.SendStamp.MinimumPayload, 1024 * 1024);
        var interval = TimeSpan.FromTicks(options.Long("interval-ns", 100_000_000, 0, 3600L * 1_000_000_000) / 100);
        var duration = TimeSpan.FromSeconds(options.Int("duration", 20, 1, 24 * 3600));
        bool exitOnStdinEof = options.Flag("exit-on-stdin-eof");
        options.ThrowIfUnread();
        FileDescriptorLimit.EnsureRoomFor(connections, $"loadgen --paced with {connections} connections");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (exitOnStdinEof)
        {
            // As --idle: the parent's death (or its closing our stdin) ends the run.
            _ = Task.Run(async () =>
            {
                await Console.OpenStandardInput().CopyToAsync(Stream.Null, CancellationToken.None).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
            }, CancellationToken.None);
        }

        await using var peers = new PacedPeers(target, connections, size, interval, parallelism);
        Console.WriteLine(StartPrefix + System.Diagnostics.Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        _ = peers.AllConnected.ContinueWith(
            connected => Console.WriteLine(ConnectedPrefix + connected.Result.ToString(CultureInfo.InvariantCulture)),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        await peers.RunAsync(duration, stop.Token).ConfigureAwait(false);
        Console.WriteLine(SentPrefix + Invariant(
            $"frames={peers.FramesSent} writes={peers.Writes} failed={peers.Failed} lag-us={(long)peers.MaxLag.TotalMicroseconds} seconds={elapsed.Elapsed.TotalSeconds:0.000}"));
        Console.Out.Flush();
        return 0;
    }

    private static async Task<int> SendAsync(OptionReader options, IPEndPoint target, int parallelism, CancellationToken cancellationToken)
    {
        var spec = new WorkloadSpec(
            options.Int("connections", 100, 1, 20_000),
            options.Int("frames", 10_000, 1, 100_000_000),
            options.Int("size", 100, 1, 16 * 1024 * 1024),
            options.Choice("framing", WireFraming.Lines, WireFramingNames.ByName),
            options.Int("seed", 1, int.MinValue, int.MaxValue),
            MinWriteSize: options.Int("min-write-size", 1, 1, WorkloadSpec.DefaultMaxWriteSize));
        bool tls = options.Flag("tls");
        options.ThrowIfUnread();
        FileDescriptorLimit.EnsureRoomFor(spec.Connections, $"loadgen with {spec.Connections} connections");

        Workload workload = Workload.Build(spec);
        Console.WriteLine(Invariant(
            $"built {spec.Connections} streams, {ProcessMemory.Mib(spec.TotalBytes)} MiB in {workload.TotalWrites:N0} writes, in {workload.BuildTime.TotalMilliseconds:0} ms"));
        Console.WriteLine(Invariant($"sending {spec.TotalFrames:N0} {spec.Framing.Name()} frames of {spec.Size} bytes to {target} ..."));

        var generator = new LoadGenerator(workload, target, parallelism, tls);

        // The start of the measurement for e2e in a child process (as --paced prints it): the streams are built.
        TimeSpan cpuAtStart = CpuTime();
        Console.WriteLine(StartPrefix + System.Diagnostics.Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        await generator.RunAsync(cancellationToken).ConfigureAwait(false);
        LoadGenStats stats = generator.Stats;
        double seconds = stats.Elapsed.TotalSeconds;
        Console.WriteLine(
            Invariant($"sent {stats.FramesSent:N0} frames, {ProcessMemory.Mib(stats.BytesSent)} MiB in {stats.Writes:N0} writes over {stats.ConnectionsFinished} connections in {seconds:0.000} s: ") +
            Invariant($"{stats.FramesSent / seconds:N0} frames/s, {stats.BytesSent / seconds / (1024 * 1024):0.0} MiB/s"));
        Console.WriteLine("(send side: the kernel has the bytes, the server may still be working through them)");
        Console.WriteLine(CpuPrefix + ((long)(CpuTime() - cpuAtStart).TotalMicroseconds).ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        return 0;
    }

    private static async Task<int> HoldIdleAsync(OptionReader options, IPEndPoint target, int parallelism, CancellationToken cancellationToken)
    {
        int connections = options.Int("connections", 1000, 1, 100_000);
        int holdSeconds = options.Int("hold", 60, 1, 24 * 3600);
        bool exitOnStdinEof = options.Flag("exit-on-stdin-eof");
        bool tls = options.Flag("tls");
        options.ThrowIfUnread();
        FileDescriptorLimit.EnsureRoomFor(connections, $"loadgen --idle with {connections} connections");

        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hold.CancelAfter(TimeSpan.FromSeconds(holdSeconds));
        if (exitOnStdinEof)
        {
            // The parent closes our stdin to release us, and so does its death: no orphan holds sockets for long.
            _ = Task.Run(async () =>
            {
                await Console.OpenStandardInput().CopyToAsync(Stream.Null, CancellationToken.None).ConfigureAwait(false);
                await hold.CancelAsync().ConfigureAwait(false);
            }, CancellationToken.None);
        }

        await using var peers = new IdleConnections(target, connections, parallelism, tls);
        await peers.OpenAsync(hold.Token).ConfigureAwait(false);
        Console.WriteLine(ReadyPrefix + peers.Open.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, hold.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Released by --hold, Ctrl+C or stdin closing: all are the normal end of an idle hold.
        }

        return 0;
    }

    private static TimeSpan CpuTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
