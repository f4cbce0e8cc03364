using System.Globalization;
using System.Text;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// read→sink second by second from the first connect: frames written, how many waited longer than
/// <see cref="SlowNanoseconds"/>, and the longest wait. A percentile says how long the tail is; this says when it
/// happened (the connect storm, a collection, the closes at the end, or all along), which is what decides what to fix.
/// Written by the sink only (one writer, as <see cref="LatencyHistogram"/>); read after ActorNet has stopped.
/// </summary>
public sealed class LatencyTimeline
{
    /// <summary>The target for p99 read→sink: frames above it are the ones counted as slow.</summary>
    public const long SlowNanoseconds = 2_000_000;

    private const int Seconds = 3600;
    private readonly long[] _frames = new long[Seconds];
    private readonly long[] _slow = new long[Seconds];
    private readonly long[] _max = new long[Seconds];
    private long _start = long.MaxValue;
    private int _last = -1;

    /// <summary>The Stopwatch timestamp of second 0 (the first connect); nothing is recorded before it is set.</summary>
    public long Start
    {
        get => Interlocked.Read(ref _start);
        set => Interlocked.Exchange(ref _start, value);
    }

    internal void Record(long now, long nanoseconds, int frames)
    {
        long start = Start;
        if (now < start)
        {
            return;
        }

        int second = (int)Math.Min(Seconds - 1, (now - start) / System.Diagnostics.Stopwatch.Frequency);
        _frames[second] += frames;
        if (nanoseconds > SlowNanoseconds)
        {
            _slow[second] += frames;
        }

        _max[second] = Math.Max(_max[second], nanoseconds);
        _last = Math.Max(_last, second);
    }

    /// <summary>One line per second: frames, the share over 2 ms, the longest read→sink.</summary>
    public string Describe()
    {
        var text = new StringBuilder("  read->sink by second from the first connect (frames, over 2 ms, longest ms):\n");
        for (int s = 0; s <= _last; s++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"    {s,4} s {_frames[s],9:N0} {_slow[s],9:N0} ({100.0 * _slow[s] / Math.Max(1, _frames[s]),5:0.0} %) {_max[s] / 1e6,8:0.0}\n");
        }

        return text.ToString();
    }
}
