using ActorNet.Configuration;

namespace ActorNet.Connections;

/// <summary>
/// How long the frame a connection holds has been incomplete, and how fast it is arriving: the verdicts of
/// frame-timeout and min-data-rate. Pure (times are passed in, in milliseconds of a monotonic clock), so the
/// connection actor only arms one timer and acts on <see cref="Check"/>.
/// </summary>
/// <remarks>
/// A frame starts when a read leaves bytes held after nothing was held, or after a frame (or a rejected stretch)
/// ended in that read; it goes on across reads that end nothing. The timer is not re-armed per read: it is armed
/// when a frame starts and none is armed, and each check re-arms it for what is left of the current frame's time.
/// A streaming peer, whose reads end mid-frame all the time, so costs one timer per frame-timeout, not one per read.
/// </remarks>
internal sealed class PartialFrameClock(SlowPeerSettings settings)
{
    /// <summary>How often the rate is checked once the grace period is over (Kestrel's heartbeat does the same).</summary>
    public static readonly TimeSpan RateCheckInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Soonest = TimeSpan.FromMilliseconds(1);

    private long _startedAt;
    private long _bytesAtStart;

    public bool Enabled { get; } = settings.Enabled;

    /// <summary>True while a frame the peer started is incomplete.</summary>
    public bool InFrame { get; private set; }

    /// <summary>
    /// After a read was cut: <paramref name="inFrame"/> whether bytes of an unfinished frame are held now,
    /// <paramref name="ended"/> whether a frame or a rejected stretch ended in this read (so the one held began in it).
    /// </summary>
    public void Read(long now, bool inFrame, bool ended)
    {
        if (!inFrame)
        {
            InFrame = false;
            return;
        }

        if (InFrame && !ended) return;
        InFrame = true;
        _startedAt = now;
        _bytesAtStart = 0;
    }

    /// <summary>
    /// The verdict at <paramref name="now"/> on a frame of which <paramref name="frameBytes"/> bytes have arrived.
    /// <paramref name="paused"/>: ActorNet itself is not reading the peer (back-pressure), so the peer's clock starts
    /// again. <paramref name="next"/> is when to check again (after <see cref="FrameVerdict.Waiting"/> only).
    /// </summary>
    public FrameVerdict Check(long now, long frameBytes, bool paused, out TimeSpan next)
    {
        next = TimeSpan.Zero;
        if (!InFrame) return FrameVerdict.NoFrame;
        if (paused)
        {
            _startedAt = now;
            _bytesAtStart = frameBytes;
        }

        var elapsed = now - _startedAt;
        if (settings.FrameTimeout is { } timeout && elapsed >= (long)timeout.TotalMilliseconds) return FrameVerdict.TimedOut;
        if (settings.MinBytesPerSecond > 0 && elapsed >= (long)settings.GracePeriod.TotalMilliseconds && elapsed > 0
            && (frameBytes - _bytesAtStart) * 1000 < (long)settings.MinBytesPerSecond * elapsed)
            return FrameVerdict.TooSlow;
        next = NextCheck(now);
        return FrameVerdict.Waiting;
    }

    /// <summary>The delay from <paramref name="now"/> to the next moment a verdict can change for the frame held.</summary>
    public TimeSpan NextCheck(long now)
    {
        var elapsed = TimeSpan.FromMilliseconds(now - _startedAt);
        var next = TimeSpan.MaxValue;
        if (settings.FrameTimeout is { } timeout) next = timeout - elapsed;
        if (settings.MinBytesPerSecond > 0)
        {
            var rate = elapsed < settings.GracePeriod ? settings.GracePeriod - elapsed : RateCheckInterval;
            if (rate < next) next = rate;
        }
        return next < Soonest ? Soonest : next;
    }
}

/// <summary>What <see cref="PartialFrameClock.Check"/> says about the frame a connection holds.</summary>
internal enum FrameVerdict
{
    /// <summary>No frame is incomplete: nothing to check until one starts.</summary>
    NoFrame,

    /// <summary>Within its limits: check again later.</summary>
    Waiting,

    /// <summary>Incomplete for longer than frame-timeout.</summary>
    TimedOut,

    /// <summary>Arriving slower than min-data-rate after its grace period.</summary>
    TooSlow,
}
