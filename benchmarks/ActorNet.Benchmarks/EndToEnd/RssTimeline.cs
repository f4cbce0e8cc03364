using System.Diagnostics;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>This process's resident set size (VmRSS), sampled every 250 ms on a timer task until disposed.</summary>
public sealed class RssTimeline : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly List<(long At, long Bytes)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private RssTimeline()
    {
        _sampling = SampleAsync();
    }

    public static RssTimeline Start() => new();

    /// <summary>(Stopwatch timestamp, bytes) of every sample so far.</summary>
    public IReadOnlyList<(long At, long Bytes)> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            long bytes = ProcessMemory.WorkingSetBytes();
            lock (_samples)
            {
                _samples.Add((Stopwatch.GetTimestamp(), bytes));
            }
        }
        while (await Tick(timer).ConfigureAwait(false));
    }

    private async Task<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed: the normal end of sampling.
            return false;
        }
    }
}
