namespace ActorNet.Connections;

/// <summary>
/// idle-timeout: how long a connection has gone without hearing from its peer. Pure (times are passed in, in
/// milliseconds of a monotonic clock), so the connection actor records a time when it hears from the peer and arms one
/// timer per timeout period, re-armed by <see cref="Check"/> for what is left.
/// </summary>
/// <remarks>
/// Not Akka's receive timeout, which the connection used before: it re-schedules a timer for every message that is
/// not marked as not influencing it, so each read (two messages when the peer was idle: data available, read
/// completed) cost a cancelled and a new scheduled timer. With 10,000 peers each sending a line every 100 ms and
/// idle-timeout at its default, that was 430 B allocated per frame instead of 66, 57 gen0 collections in 20 s instead
/// of 9, and a read→sink p99 of 27 ms instead of 8 (<c>latency --connections 10000 --interval-ms 100</c>, which, like
/// <c>e2e</c>, had turned idle-timeout off). What counts as hearing from the peer is what the receive timeout counted
/// (reference.conf, idle-timeout): a read of at least one byte, data becoming available, a frame handed in to be
/// written, a restart.
/// </remarks>
internal struct IdleClock(TimeSpan? timeout)
{
    private readonly long _timeoutMs = timeout is { } t ? Math.Max(1, (long)Math.Ceiling(t.TotalMilliseconds)) : 0;
    private long _heardAt;

    public readonly bool Enabled => _timeoutMs > 0;

    /// <summary>Starts the clock at <paramref name="now"/>; returns when to check first (the whole timeout).</summary>
    public TimeSpan Start(long now)
    {
        _heardAt = now;
        return TimeSpan.FromMilliseconds(_timeoutMs);
    }

    /// <summary>The peer was heard from at <paramref name="now"/>: one store, no timer.</summary>
    public void Heard(long now) => _heardAt = now;

    /// <summary>
    /// At a check: true when the peer has been silent for the whole timeout. Otherwise <paramref name="next"/> is when
    /// to check again: what is left of the timeout since the peer was last heard from, or, when ActorNet itself is not
    /// reading the peer (<paramref name="paused"/>: the silence is ours), the whole timeout from now.
    /// </summary>
    public bool Check(long now, bool paused, out TimeSpan next)
    {
        var silent = now - _heardAt;
        if (silent < _timeoutMs)
        {
            next = TimeSpan.FromMilliseconds(_timeoutMs - silent);
            return false;
        }
        if (paused)
        {
            next = Start(now);
            return false;
        }
        next = default;
        return true;
    }
}
