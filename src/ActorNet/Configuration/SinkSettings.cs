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
}
