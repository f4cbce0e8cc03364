using System.Diagnostics;
using System.Globalization;
using System.Net;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// Stamping peers in a child process (<c>loadgen --paced</c> of this same program), so that the measured process
/// is ActorNet alone, as the figures require. The child ends after its --duration, when its stdin closes
/// (also when this process dies), or is killed by id after a grace period.
/// </summary>
public sealed class PacedPeersProcess : IAsyncDisposable
{
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoadGenChild _child = null!;
    private string? _sentLine;

    /// <summary>The child's Stopwatch timestamp just before its first connect: the start of the measurement.</summary>
    public Task<long> Started => _started.Task;

    /// <summary>The child's Stopwatch timestamp when its last connect attempt ended.</summary>
    public Task<long> Connected => _connected.Task;

    /// <summary>This process's Stopwatch timestamp when the child's start line arrived (for the clock check).</summary>
    public long StartSeenAt { get; private set; }

    public static PacedPeersProcess Start(IPEndPoint target, int connections, int size, long intervalNanoseconds, TimeSpan duration)
    {
        var peers = new PacedPeersProcess();
        peers._child = LoadGenChild.Start(
            [
                "--paced",
                "--host", target.Address.ToString(),
                "--port", LoadGenChild.Text(target.Port),
                "--connections", LoadGenChild.Text(connections),
                "--size", LoadGenChild.Text(size),
                "--interval-ns", LoadGenChild.Text(intervalNanoseconds),
                "--duration", LoadGenChild.Text((long)Math.Ceiling(duration.TotalSeconds)),
            ],
            peers.OnOutput,
            child => peers._started.TrySetException(
                new IOException($"loadgen --paced exited with code {child.Process.ExitCode} before it started: {child.Errors}")),
            releasedByStdin: true);
        return peers;
    }

    /// <summary>Waits for the child to finish its run and returns what it says it sent.</summary>
    public async Task<PacedSendResult> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _child.Process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailedException($"loadgen --paced did not finish within {timeout.TotalSeconds:0} s");
        }

        if (_child.Process.ExitCode != 0 || _sentLine is null)
        {
            throw new BenchmarkFailedException($"loadgen --paced exited with code {_child.Process.ExitCode}: {_child.Errors}");
        }

        return PacedSendResult.Parse(_sentLine[LoadGenCommand.SentPrefix.Length..]);
    }

    public async ValueTask DisposeAsync()
    {
        await _child.StopAsync().ConfigureAwait(false);
        _child.Dispose();
    }

    private void OnOutput(string line)
    {
        if (line.StartsWith(LoadGenCommand.StartPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.StartPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long clock))
        {
            StartSeenAt = Stopwatch.GetTimestamp();
            _started.TrySetResult(clock);
        }
        else if (line.StartsWith(LoadGenCommand.ConnectedPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.ConnectedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long connected))
        {
            _connected.TrySetResult(connected);
        }
        else if (line.StartsWith(LoadGenCommand.SentPrefix, StringComparison.Ordinal))
        {
            _sentLine = line;
        }
    }
}

/// <summary>What a paced load generator reports at its end (its <c>sent</c> line).</summary>
public sealed record PacedSendResult(long Frames, long Writes, long Failed, TimeSpan MaxLag, TimeSpan Elapsed)
{
    /// <summary>Parses <c>frames=F writes=W failed=X lag-us=L seconds=S</c>.</summary>
    public static PacedSendResult Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);
        long Read(string key) => long.Parse(fields[key], NumberStyles.None, CultureInfo.InvariantCulture);
        return new PacedSendResult(
            Read("frames"), Read("writes"), Read("failed"),
            TimeSpan.FromMicroseconds(Read("lag-us")),
            TimeSpan.FromSeconds(double.Parse(fields["seconds"], NumberStyles.Float, CultureInfo.InvariantCulture)));
    }
}
