using System.Diagnostics;
using ActorNet.Benchmarks.EndToEnd;
using ActorNet.Benchmarks.LoadGen;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>
/// Feeds one started server from the child-process load generator and times it, as <c>e2e</c> does, from the
/// child's monotonic clock just before its first connect to the moment this process sees the server's file hold
/// C x N complete lines. The file is tailed every 10 ms, reading only what was appended
/// (<see cref="FileLineCounter"/>), so the poll costs both servers the same and little.
/// </summary>
public static class FileSinkPhase
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>After the child has sent everything, a line count that does not move for this long is a failure.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(15);

    public static async Task<FileSinkResult> RunAsync(
        int run, IFileSinkServer server, WorkloadSpec spec, TimeSpan timeout, int connectParallelism, CancellationToken cancellationToken)
    {
        using var lines = new FileLineCounter(server.OutputPath);
        await using LoadGenProcess child = LoadGenProcess.Start(server.EndPoint, spec, connectParallelism);
        long startedAt;
        try
        {
            // The child builds its streams before its first connect; that is not timed.
            startedAt = await child.Started.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BenchmarkFailedException or TimeoutException)
        {
            return Result(run, server, spec, lines, TimeSpan.Zero, e.Message);
        }

        (string? failure, long endedAt) = await CountAsync(server, lines, spec.TotalFrames, child.Finished, timeout, cancellationToken).ConfigureAwait(false);
        return Result(run, server, spec, lines, Stopwatch.GetElapsedTime(startedAt, endedAt), failure);
    }

    private static async Task<(string? Failure, long EndedAt)> CountAsync(
        IFileSinkServer server, FileLineCounter lines, long expected, Task sending, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var poll = new PeriodicTimer(PollInterval);
        var clock = Stopwatch.StartNew();
        long lastCount = -1;
        TimeSpan lastProgress = TimeSpan.Zero;
        while (true)
        {
            long count = lines.Update();
            long now = Stopwatch.GetTimestamp();
            if (count >= expected)
            {
                return (null, now);
            }

            if (count != lastCount)
            {
                lastCount = count;
                lastProgress = clock.Elapsed;
            }

            if (sending.IsFaulted)
            {
                return ($"load generator failed: {sending.Exception?.GetBaseException().Message}", now);
            }

            if (clock.Elapsed > timeout)
            {
                return ($"timed out after {timeout.TotalSeconds:0} s with {count} of {expected} lines in the file; {server.Diagnostics()}", now);
            }

            if (sending.IsCompletedSuccessfully && clock.Elapsed - lastProgress > StallTimeout)
            {
                return ($"all lines were sent but the file stopped at {count} of {expected} for {StallTimeout.TotalSeconds:0} s; {server.Diagnostics()}", now);
            }

            await poll.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileSinkResult Result(int run, IFileSinkServer server, WorkloadSpec spec, FileLineCounter lines, TimeSpan elapsed, string? failure)
    {
        long expected = spec.TotalFrames;
        if (failure is null && lines.Lines > expected)
        {
            failure = $"the file holds {lines.Lines} lines but only {expected} were sent";
        }

        if (failure is null && server.Rejections > 0)
        {
            failure = $"the server rejected {server.Rejections} lines of a well-formed workload";
        }

        return new FileSinkResult(run, server.Name, expected, lines.Lines, elapsed, lines.Bytes, server.PeakResidentBytes(), server.CpuTime(), failure);
    }
}
