using ActorNet.Configuration;
using ActorNet.Pipeline;

namespace ActorNet.Sinks;

/// <summary>
/// Appends one JSON object per line to a file. Records are formatted into memory and written when the buffer
/// passes buffer-size and on every flush; the file is opened for append, so a restart continues it.
/// </summary>
public sealed class JsonlSink : IFrameSink
{
    private readonly JsonRecordWriter _records;
    private readonly FileStream _file;
    private readonly int _bufferSize;

    public JsonlSink(SinkSettings settings)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.Path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _file = new FileStream(settings.Path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _bufferSize = settings.BufferSize;
        _records = new JsonRecordWriter(settings.BufferSize);
    }

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        // Flush before taking the batch: if the file fails, the batch is retried whole and nothing is
        // formatted twice; the buffer never holds more than buffer-size plus one batch.
        if (_records.Length >= _bufferSize) Flush();
        return _records.Append(batch, accepted, rejected);
    }

    /// <summary>Durable once a flush has written and fsynced the lines.</summary>
    public SinkDurability Durability => SinkDurability.OnFlush;

    /// <summary>Writes buffered lines and fsyncs them (once per flush-interval, not per batch).</summary>
    public void Flush()
    {
        if (_records.Length == 0) return;
        _file.Write(_records.WrittenSpan);
        _records.Clear();
        _file.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        Flush();
        _file.Dispose();
    }
}
