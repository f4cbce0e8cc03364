using System.Diagnostics;

namespace ActorNet.IntegrationTests.Feeds;

/// <summary>
/// Records when the .NET thread pool ran nothing for a while, so that a timing test can tell ActorNet being late
/// from the whole process being stalled. Measured on a 2-core machine: early in a test run the test host keeps
/// every pool thread blocked for up to ~0.9 s (no CPU used, work items pending, no thread injected), which
/// delays every timer and actor in the process alike, with or without ActorNet or Akka.
///
/// A periodic timer's callback runs on the pool; a gap between two callbacks longer than <see cref="StallAfter"/>
/// is a stall. Upper bounds on delays are checked only for intervals free of stalls; lower bounds always.
/// </summary>
public sealed class ThreadPoolWatch : IDisposable
{
    public static readonly TimeSpan StallAfter = TimeSpan.FromMilliseconds(60);

    private readonly Timer _timer;
    private readonly List<(long From, long To)> _stalls = [];
    private readonly Lock _lock = new();
    private long _last = Stopwatch.GetTimestamp();

    public ThreadPoolWatch() => _timer = new Timer(_ => Beat(), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));

    /// <summary>
    /// Whether the pool stalled at any time between two <see cref="Stopwatch.GetTimestamp"/> values (or is
    /// stalled right now, if <paramref name="to"/> is after the last beat).
    /// </summary>
    public bool StalledBetween(long from, long to)
    {
        lock (_lock)
        {
            if (Stopwatch.GetElapsedTime(_last, Math.Max(to, Stopwatch.GetTimestamp())) > StallAfter) return true;
            return _stalls.Any(s => s.From < to && s.To > from);
        }
    }

    /// <summary>The stalls seen, for failure messages.</summary>
    public string Describe(long origin)
    {
        lock (_lock)
        {
            return _stalls.Count == 0
                ? "no thread-pool stalls"
                : "thread-pool stalls: " + string.Join(", ", _stalls.Select(s =>
                    $"{Stopwatch.GetElapsedTime(origin, s.From).TotalMilliseconds:F0}-{Stopwatch.GetElapsedTime(origin, s.To).TotalMilliseconds:F0} ms"));
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Beat()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (Stopwatch.GetElapsedTime(_last, now) > StallAfter) _stalls.Add((_last, now));
            _last = now;
        }
    }
}
