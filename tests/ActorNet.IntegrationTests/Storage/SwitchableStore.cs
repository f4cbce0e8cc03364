using System.Text;
using ActorNet.Protocol;
using ActorNet.Sinks;

namespace ActorNet.IntegrationTests.Storage;

/// <summary>One frame as a <see cref="SwitchableStore"/> holds it.</summary>
internal sealed record StoredFrame(long Connection, long Seq, string Payload)
{
    public static StoredFrame Of(ParsedBatch batch, int index) =>
        new(batch.Connection.Id, batch.Seq(index), Encoding.UTF8.GetString(batch.Payload(index).Span));
}

/// <summary>
/// A store for sink specs that can be taken down: what <see cref="SwitchableSink"/> and <see cref="BufferingSink"/>
/// stored, in the order they stored it (across ActorNet runs), and the switches that make writes and flushes fail
/// as a database or a disk that is down would.
/// </summary>
internal sealed class SwitchableStore
{
    private readonly List<StoredFrame> _stored = [];
    private int _failures;
    private int _flushFailures;

    /// <summary>Writes and probes fail.</summary>
    public volatile bool Down;

    /// <summary>Flushes fail (<see cref="BufferingSink"/>).</summary>
    public volatile bool FlushDown;

    public int Failures => Volatile.Read(ref _failures);
    public int FlushFailures => Volatile.Read(ref _flushFailures);

    public int Count
    {
        get
        {
            lock (_stored) return _stored.Count;
        }
    }

    public List<StoredFrame> Stored
    {
        get
        {
            lock (_stored) return [.. _stored];
        }
    }

    public List<long> Seqs => Stored.Select(frame => frame.Seq).ToList();

    public void Failed() => Interlocked.Increment(ref _failures);
    public void FlushFailed() => Interlocked.Increment(ref _flushFailures);

    /// <summary>Stores a batch as a whole, as a transaction would.</summary>
    public void Store(IEnumerable<StoredFrame> frames)
    {
        lock (_stored) _stored.AddRange(frames);
    }
}

/// <summary>Commits on write, like a database; every write and probe fails while its store is down.</summary>
internal sealed class SwitchableSink(SwitchableStore store) : IFrameSink
{
    public SinkDurability Durability => SinkDurability.OnWrite;

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        if (store.Down)
        {
            store.Failed();
            throw new IOException("the store is down");
        }
        var written = new List<StoredFrame>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
            if (batch.Selects(i, accepted, rejected)) written.Add(StoredFrame.Of(batch, i));
        store.Store(written);
        return written.Count;
    }

    public void Probe()
    {
        if (store.Down) throw new IOException("the store is down");
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Like <see cref="JsonlSink"/>: writes go to a buffer, a flush stores them; a failed flush keeps the buffer for the
/// next one, and a flush of an empty buffer does nothing.
/// </summary>
internal sealed class BufferingSink(SwitchableStore store) : IFrameSink
{
    private readonly List<StoredFrame> _buffer = [];

    public SinkDurability Durability => SinkDurability.OnFlush;

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        if (store.Down)
        {
            store.Failed();
            throw new IOException("the store is down");
        }
        var before = _buffer.Count;
        for (var i = 0; i < batch.Count; i++)
            if (batch.Selects(i, accepted, rejected)) _buffer.Add(StoredFrame.Of(batch, i));
        return _buffer.Count - before;
    }

    public void Flush()
    {
        if (_buffer.Count == 0) return;
        if (store.FlushDown)
        {
            store.FlushFailed();
            throw new IOException("the store cannot flush");
        }
        store.Store(_buffer);
        _buffer.Clear();
    }

    public void Dispose() => Flush();
}
