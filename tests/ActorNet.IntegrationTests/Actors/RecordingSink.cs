using System.Collections.Concurrent;
using System.Text;
using ActorNet.Protocol;
using ActorNet.Sinks;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>One record as a sink saw it.</summary>
public sealed record SeenRecord(long Connection, long Seq, string? Payload, string? Reason, string? Error);

/// <summary>
/// A sink plugged in through the public <see cref="IFrameSink"/> API that keeps what it is given, so a test
/// can look at every record. A gate lets a test hold the sink up like a slow database would: with
/// <c>consumePermits</c> each batch takes one permit for good (the test meters the pace), otherwise a batch
/// only waits for the gate to be open.
/// </summary>
public sealed class RecordingSink : IFrameSink
{
    private readonly ConcurrentQueue<SeenRecord> _records;
    private readonly SemaphoreSlim? _gate;
    private readonly bool _consumePermits;

    public RecordingSink(ConcurrentQueue<SeenRecord> records, SemaphoreSlim? gate = null, bool consumePermits = false)
    {
        _records = records;
        _gate = gate;
        _consumePermits = consumePermits;
    }

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        // Blocking is what a slow store does to a sink's thread; sinks run on their own dispatcher for this.
        _gate?.Wait();
        var written = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var rejection = batch.Rejections?[i];
            if (rejection is null && accepted)
                _records.Enqueue(new SeenRecord(batch.Connection.Id, batch.Seq(i), Encoding.UTF8.GetString(batch.Payload(i).Span), null, null));
            else if (rejection is not null && rejected)
                _records.Enqueue(new SeenRecord(batch.Connection.Id, batch.Seq(i), null, rejection.Reason, rejection.Error));
            else continue;
            written++;
        }
        if (!_consumePermits) _gate?.Release();
        return written;
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
