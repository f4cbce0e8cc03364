using ActorNet.Protocol;

namespace ActorNet.Sinks;

/// <summary>Writes JSON lines to standard output (for trying things out; not for volume).</summary>
public sealed class ConsoleSink : IFrameSink
{
    private readonly JsonRecordWriter _records = new(16 * 1024);
    private readonly Stream _stdout = Console.OpenStandardOutput();

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        var written = _records.Append(batch, accepted, rejected);
        Flush();
        return written;
    }

    public void Flush()
    {
        if (_records.Length == 0) return;
        _stdout.Write(_records.WrittenSpan);
        _stdout.Flush();
        _records.Clear();
    }

    public void Dispose() => Flush();
}
