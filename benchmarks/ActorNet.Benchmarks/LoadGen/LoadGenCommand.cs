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
                  [--framing lines|length-field] [--seed 1] [--connect-parallelism 256]
              Sends C connections x N frames x S payload bytes to a running server and prints send-side figures.
          loadgen --idle --port P [--host 127.0.0.1] [--connections 1000] [--hold 60] [--exit-on-stdin-eof]
              Opens C connections, sends nothing, holds them for --hold seconds (or until Ctrl+C), then closes.
              Prints "ready C" on its own line once all are open (the idle command reads it).
        """;

    /// <summary>The line an idle load generator prints when every connection is open.</summary>
    public const string ReadyPrefix = "ready ";

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        bool idle = options.Flag("idle");
        var target = new IPEndPoint(Loopback.Parse(options.String("host")), options.Int("port", null, 1, 65535));
        int parallelism = options.Int("connect-parallelism", LoadGenerator.DefaultConnectParallelism, 1, 10_000);
        return idle
            ? await HoldIdleAsync(options, target, parallelism, cancellationToken).ConfigureAwait(false)
            : await SendAsync(options, target, parallelism, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> SendAsync(OptionReader options, IPEndPoint target, int parallelism, CancellationToken cancellationToken)
    {
        var spec = new WorkloadSpec(
            options.Int("connections", 100, 1, 20_000),
            options.Int("frames", 10_000, 1, 100_000_000),
            options.Int("size", 100, 1, 16 * 1024 * 1024),
            options.Choice("framing", WireFraming.Lines, WireFramingNames.ByName),
            options.Int("seed", 1, int.MinValue, int.MaxValue));
        options.ThrowIfUnread();
        FileDescriptorLimit.EnsureRoomFor(spec.Connections, $"loadgen with {spec.Connections} connections");

        Workload workload = Workload.Build(spec);
        Console.WriteLine(Invariant(
            $"built {spec.Connections} streams, {ProcessMemory.Mib(spec.TotalBytes)} MiB in {workload.TotalWrites:N0} writes, in {workload.BuildTime.TotalMilliseconds:0} ms"));
        Console.WriteLine(Invariant($"sending {spec.TotalFrames:N0} {spec.Framing.Name()} frames of {spec.Size} bytes to {target} ..."));

        var generator = new LoadGenerator(workload, target, parallelism);
        await generator.RunAsync(cancellationToken).ConfigureAwait(false);
        LoadGenStats stats = generator.Stats;
        double seconds = stats.Elapsed.TotalSeconds;
        Console.WriteLine(
            Invariant($"sent {stats.FramesSent:N0} frames, {ProcessMemory.Mib(stats.BytesSent)} MiB in {stats.Writes:N0} writes over {stats.ConnectionsFinished} connections in {seconds:0.000} s: ") +
            Invariant($"{stats.FramesSent / seconds:N0} frames/s, {stats.BytesSent / seconds / (1024 * 1024):0.0} MiB/s"));
        Console.WriteLine("(send side: the kernel has the bytes, the server may still be working through them)");
        return 0;
    }

    private static async Task<int> HoldIdleAsync(OptionReader options, IPEndPoint target, int parallelism, CancellationToken cancellationToken)
    {
        int connections = options.Int("connections", 1000, 1, 100_000);
        int holdSeconds = options.Int("hold", 60, 1, 24 * 3600);
        bool exitOnStdinEof = options.Flag("exit-on-stdin-eof");
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

        await using var peers = new IdleConnections(target, connections, parallelism);
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
