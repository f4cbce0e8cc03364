namespace ActorNet.Monitoring;

/// <summary>
/// At most <c>perSecond</c> log lines per one-second window for one kind of event; the rest are counted, and the
/// count is handed to the first line of a later window, so a flood of bad input cannot flood the log yet nothing
/// goes unmentioned (the metrics count every event). Owned by one actor: not thread-safe.
/// </summary>
internal sealed class LogBudget(int perSecond)
{
    private long? _windowStart;
    private int _used;
    private long _suppressed;

    /// <summary>True when a line may be logged at <paramref name="nowMs"/> (a monotonic clock in milliseconds);
    /// <paramref name="suppressed"/> is how many were held back since the last line that was let through.</summary>
    public bool TryTake(long nowMs, out long suppressed)
    {
        if (_windowStart is not { } start || nowMs - start >= 1000)
        {
            _windowStart = nowMs;
            _used = 0;
        }
        if (_used < perSecond)
        {
            _used++;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
        _suppressed++;
        suppressed = 0;
        return false;
    }
}
