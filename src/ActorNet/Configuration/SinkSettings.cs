namespace ActorNet.Configuration;

/// <summary>One entry of <c>actornet.sinks</c>.</summary>
/// <param name="Name">The sink's name, as sources refer to it.</param>
/// <param name="Type">jsonl, console, blackhole, or a type registered by the embedding application.</param>
/// <param name="Path">jsonl: the file to append to.</param>
/// <param name="BufferSize">Bytes buffered before a write.</param>
/// <param name="FlushInterval">How often buffered output is flushed.</param>
/// <param name="DedicatedThread">Whether the sink runs on a thread of its own (it may block).</param>
public sealed record SinkSettings(string Name, string Type, string Path, int BufferSize, TimeSpan FlushInterval, bool DedicatedThread = true)
{
    /// <summary>sqlite, postgres: the table records go to.</summary>
    public string Table { get; init; } = "frames";

    /// <summary>postgres: an Npgsql connection string.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// The directory of this sink's on-disk spool (the sink's own subdirectory is created in it); empty when the
    /// sink has none, and batches it cannot write are held in memory instead (bounded by back-pressure).
    /// </summary>
    public string SpoolDir { get; init; } = "";

    /// <summary>Bytes the spool may hold; past it the sources feeding this sink stop reading.</summary>
    public long MaxSpoolSize { get; init; } = 1L << 30;

    /// <summary>How often an idle database sink checks that it can still write (for /health/ready).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>websocket: records queued per subscriber before that subscriber's records are dropped.</summary>
    public int SubscriberBuffer { get; init; } = 1000;

    public bool HasSpool => SpoolDir.Length > 0;
}
