using ActorNet.Configuration;
using ActorNet.Protocol;

namespace ActorNet.Sinks;

/// <summary>
/// Appends one JSON object per line to a file. Records are formatted into memory and written when the buffer
/// passes buffer-size and on every flush; every flush (flush-interval) also fsyncs, which is when the lines count
/// as durable. The file is opened for append, so a restart continues it. A write that fails is cut back off the
/// file and the buffer kept, so a retry never leaves a torn or doubled line.
/// </summary>
public sealed class JsonlSink : IFrameSink
{
    private readonly JsonRecordWriter _records;
    private readonly FileStream _file;
    private readonly int _bufferSize;
    private bool _unsynced;
    private bool _torn;

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
        if (_records.Length >= _bufferSize) WriteOut();
        return _records.Append(batch, accepted, rejected);
    }

    /// <summary>Durable once a flush has written and fsynced the lines.</summary>
    public SinkDurability Durability => SinkDurability.OnFlush;

    /// <summary>Writes buffered lines and fsyncs them (once per flush-interval, not per batch).</summary>
    public void Flush()
    {
        WriteOut();
        if (!_unsynced) return;
        _file.Flush(flushToDisk: true);
        _unsynced = false;
    }

    private void WriteOut()
    {
        if (_records.Length == 0) return;
        var length = _file.Length;
        try
        {
            if (_torn) _file.Write("\n"u8);
            _torn = false;
            _file.Write(_records.WrittenSpan);
        }
        catch
        {
            TruncateTo(length);
            throw;
        }
        _records.Clear();
        _unsynced = true;
    }

    private void TruncateTo(long length)
    {
        try
        {
            _file.SetLength(length);
        }
        catch (IOException)
        {
            // The file system refuses even that: the retry starts with a newline, so the torn bytes end up as one
            // unparseable line of their own instead of corrupting the first record written after them.
            _torn = true;
        }
    }

    public void Dispose()
    {
        Flush();
        _file.Dispose();
    }
}
