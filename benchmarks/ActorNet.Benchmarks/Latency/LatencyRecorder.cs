using System.Diagnostics;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// What the <see cref="LatencySink"/> measured in one phase: two histograms in nanoseconds and the frame count.
/// The histograms are written by the sink only (one actor, so one thread at a time) and read by the command after
/// ActorNet has stopped; <see cref="Frames"/> is read while it runs, so it alone is atomic.
/// </summary>
public sealed class LatencyRecorder
{
    // Stopwatch ticks to nanoseconds: 1 on Linux (Frequency = 10^9), kept general for other platforms.
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private long _frames;
    private long _unstamped;
    private long _backwards;
    private long _lastWrite;

    private long _steadyFrom = long.MaxValue;

    public LatencyHistogram ReadToSink { get; } = new();

    public LatencyHistogram SendToSink { get; } = new();

    /// <summary>read→sink second by second, for when the tail happened.</summary>
    public LatencyTimeline Timeline { get; } = new();

    /// <summary>As <see cref="ReadToSink"/>, only for batches written from <see cref="SteadyFrom"/> on.</summary>
    public LatencyHistogram SteadyReadToSink { get; } = new();

    /// <summary>As <see cref="SendToSink"/>, only for batches written from <see cref="SteadyFrom"/> on.</summary>
    public LatencyHistogram SteadySendToSink { get; } = new();

    /// <summary>
    /// The Stopwatch timestamp from which batches are also recorded in the steady histograms (after the connect
    /// storm); set by the command once the peers are all connected, never before.
    /// </summary>
    public long SteadyFrom
    {
        get => Interlocked.Read(ref _steadyFrom);
        set => Interlocked.Exchange(ref _steadyFrom, value);
    }

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>The Stopwatch timestamp of the latest sink write: the end of a phase.</summary>
    public long LastWrite => Interlocked.Read(ref _lastWrite);

    /// <summary>Frames without a readable send stamp (not from a latency peer, or quarantined): not in send→sink.</summary>
    public long Unstamped => Interlocked.Read(ref _unstamped);

    /// <summary>Batches whose wall-clock read time was after the sink's: the clock was stepped back.</summary>
    public long ClockStepsBack => Interlocked.Read(ref _backwards);

    internal void RecordSendToSink(long ticks, bool steady)
    {
        long nanoseconds = (long)(ticks * NanosecondsPerTick);
        SendToSink.Record(nanoseconds);
        if (steady)
        {
            SteadySendToSink.Record(nanoseconds);
        }
    }

    internal void RecordReadToSink(long nanoseconds, int frames, bool steady, long now)
    {
        if (frames == 0)
        {
            return;
        }

        if (nanoseconds < 0)
        {
            Interlocked.Increment(ref _backwards);
            return;
        }

        ReadToSink.Record(nanoseconds, frames);
        Timeline.Record(now, nanoseconds, frames);
        if (steady)
        {
            SteadyReadToSink.Record(nanoseconds, frames);
        }
    }

    internal void AddFrames(int frames, int unstamped, long now)
    {
        Interlocked.Exchange(ref _lastWrite, now);
        Interlocked.Add(ref _frames, frames);
        if (unstamped > 0)
        {
            Interlocked.Add(ref _unstamped, unstamped);
        }
    }
}
