using ActorNet.Metrics;

namespace ActorNet.Monitoring;

/// <summary>
/// One sink as operators see it; written by its sink actor, read from any thread. Each event is recorded here
/// once, for both views: this status (the admin API, readiness) and the sink's metrics.
/// </summary>
public sealed class SinkStatus
{
    private readonly KeyValuePair<string, object?> _tag;
    private long _written;
    private long _failures;
    private long _backlog;
    private long _spoolBytes;
    private long _dropped;
    private volatile string? _lastError;
    private volatile string _state = SinkStates.Starting;

    internal SinkStatus(string name, string type)
    {
        Name = name;
        Type = type;
        _tag = ActorNetMetrics.Sink(name);
    }

    public string Name { get; }
    /// <summary>A reload that restarts the sink may change it.</summary>
    public string Type { get; internal set; }

    /// <summary>
    /// True only in <see cref="SinkStates.Writing"/>: false until the sink has opened its store, from a failed open,
    /// write, flush or health probe until the next one that succeeds (for a sink that is durable on flush, a write
    /// into its buffer does not count), and for good once the sink actor has stopped.
    /// </summary>
    public bool CanWrite => _state == SinkStates.Writing;

    /// <summary>One of <see cref="SinkStates"/>.</summary>
    public string State => _state;

    public string? LastError => _lastError;

    public long FramesWritten => Interlocked.Read(ref _written);
    public long WriteFailures => Interlocked.Read(ref _failures);

    /// <summary>Frames waiting to be written: in the spool or held in memory while the sink cannot write.</summary>
    public long BacklogFrames => Interlocked.Read(ref _backlog);

    /// <summary>Bytes in the sink's on-disk spool.</summary>
    public long SpoolBytes => Interlocked.Read(ref _spoolBytes);

    /// <summary>Records a subscriber-facing sink (websocket) dropped because a subscriber was too slow.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>A write of <paramref name="frames"/> records that took <paramref name="took"/>.</summary>
    internal void Wrote(int frames, TimeSpan took)
    {
        ActorNetMetrics.SinkWriteSeconds.Record(took.TotalSeconds, _tag);
        if (frames <= 0) return;
        ActorNetMetrics.SinkFramesWritten.Add(frames, _tag);
        Interlocked.Add(ref _written, frames);
    }

    /// <summary>Opening the store, a write or a flush failed: counted, and not writing until the next success.</summary>
    internal void Failed(string error)
    {
        ActorNetMetrics.SinkWriteFailures.Add(1, _tag);
        Interlocked.Increment(ref _failures);
        Unreachable(error);
    }

    /// <summary>An idle probe failed: not writing until the next success, but no write failed.</summary>
    internal void Unreachable(string error)
    {
        _lastError = error;
        if (_state != SinkStates.Stopped) _state = SinkStates.Failing;
    }

    internal void Healthy()
    {
        if (_state != SinkStates.Stopped) _state = SinkStates.Writing;
    }

    /// <summary>A sink actor (re)starts: not writing until it has opened its store.</summary>
    internal void Starting() => _state = SinkStates.Starting;

    /// <summary>
    /// The sink actor is gone: nothing it is sent is written any more. It holds nothing in memory then; what its
    /// spool holds stays counted in <see cref="SpoolBytes"/> (it is written at the next start).
    /// </summary>
    internal void Stopped(string reason)
    {
        _lastError = reason;
        _state = SinkStates.Stopped;
        SetBacklog(0, SpoolBytes);
    }

    internal void SetBacklog(long frames, long spoolBytes)
    {
        var before = Interlocked.Exchange(ref _backlog, frames);
        if (frames != before) ActorNetMetrics.SinkBacklogFrames.Add(frames - before, _tag);
        Interlocked.Exchange(ref _spoolBytes, spoolBytes);
    }

    internal void AddDropped(long records) => Interlocked.Add(ref _dropped, records);
}

/// <summary>What <see cref="SinkStatus.State"/> can be.</summary>
public static class SinkStates
{
    /// <summary>Opening its store (and its spool); batches wait.</summary>
    public const string Starting = "starting";

    public const string Writing = "writing";

    /// <summary>Cannot open or write its store: retrying, with batches spooled or held (see lastError).</summary>
    public const string Failing = "failing";

    /// <summary>The sink actor stopped: at a drain, or for good after a fault (logged at Error level).</summary>
    public const string Stopped = "stopped";
}
