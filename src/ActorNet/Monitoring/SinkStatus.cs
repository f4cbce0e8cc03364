namespace ActorNet.Monitoring;

/// <summary>One sink as operators see it; written by its sink actor, read from any thread.</summary>
public sealed class SinkStatus
{
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
    }

    public string Name { get; }
    public string Type { get; }

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

    internal void Wrote(int frames) => Interlocked.Add(ref _written, frames);

    internal void Failed(string error)
    {
        Interlocked.Increment(ref _failures);
        _lastError = error;
        if (_state != SinkStates.Stopped) _state = SinkStates.Failing;
    }

    internal void Healthy()
    {
        if (_state != SinkStates.Stopped) _state = SinkStates.Writing;
    }

    /// <summary>A sink actor (re)starts: not writing until it has opened its store.</summary>
    internal void Starting() => _state = SinkStates.Starting;

    /// <summary>The sink actor is gone: nothing it is sent is written any more.</summary>
    internal void Stopped(string reason)
    {
        _lastError = reason;
        _state = SinkStates.Stopped;
    }

    internal void SetBacklog(long frames, long spoolBytes)
    {
        Interlocked.Exchange(ref _backlog, frames);
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
