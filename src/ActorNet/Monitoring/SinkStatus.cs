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
    private volatile bool _writing = true;

    internal SinkStatus(string name, string type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }
    public string Type { get; }

    /// <summary>
    /// False from a failed write, flush or health probe until the next one that succeeds (for a sink that is durable
    /// on flush, a write into its buffer does not count); false once the sink actor has stopped.
    /// </summary>
    public bool CanWrite => _writing;

    public string State => _writing ? "writing" : "failing";

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
        _writing = false;
    }

    internal void Healthy() => _writing = true;

    internal void SetBacklog(long frames, long spoolBytes)
    {
        Interlocked.Exchange(ref _backlog, frames);
        Interlocked.Exchange(ref _spoolBytes, spoolBytes);
    }

    internal void AddDropped(long records) => Interlocked.Add(ref _dropped, records);
}
