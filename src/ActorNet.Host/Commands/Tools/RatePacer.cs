using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ActorNet.Host.Commands.Tools;

/// <summary>
/// Paces items at a steady rate. The pacer counts the items due by an elapsed time rather than waiting a period
/// between items, so a late timer tick is caught up and the average holds; rates above one item per tick go out in
/// small bursts, one per tick.
/// </summary>
public sealed class RatePacer
{
    // Coarse enough for the timer to keep up, fine enough that a burst stays small (10 frames at 1000/s).
    private static readonly TimeSpan ShortestTick = TimeSpan.FromMilliseconds(10);

    public RatePacer(double perSecond)
    {
        if (!(perSecond > 0) || double.IsInfinity(perSecond))
            throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "The rate must be a positive number of items per second.");
        PerSecond = perSecond;
        Tick = TimeSpan.FromSeconds(Math.Max(1 / perSecond, ShortestTick.TotalSeconds));
    }

    public double PerSecond { get; }

    /// <summary>How often a paced loop wakes up to release what is due.</summary>
    public TimeSpan Tick { get; }

    /// <summary>Items due by <paramref name="elapsed"/>, counting the first, which is due at once.</summary>
    public long DueBy(TimeSpan elapsed) => (long)Math.Floor(elapsed.TotalSeconds * PerSecond) + 1;

    /// <summary>
    /// <paramref name="items"/> released no faster than the rate. An item that arrives after its time (a line typed
    /// late) goes at once.
    /// </summary>
    public async IAsyncEnumerable<T> PaceAsync<T>(IAsyncEnumerable<T> items, [EnumeratorCancellation] CancellationToken token)
    {
        using var timer = new PeriodicTimer(Tick);
        var clock = Stopwatch.StartNew();
        long released = 0;
        await foreach (var item in items.WithCancellation(token))
        {
            while (released >= DueBy(clock.Elapsed))
            {
                await timer.WaitForNextTickAsync(token);
            }
            released++;
            yield return item;
        }
    }
}
