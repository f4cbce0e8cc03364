using ActorNet.Protocol;

namespace ActorNet.Sinks;

/// <summary>
/// Writes records somewhere. Implement it to add a sink type and register it with
/// <c>ActorNetOptions.AddSinkType</c>. ActorNet calls it from one actor at a time, on a dispatcher reserved
/// for sinks, so blocking I/O is fine here. An exception from <see cref="Write"/> or <see cref="Flush"/> is
/// logged and the same batch is retried later (back-pressure builds meanwhile; nothing is dropped).
/// </summary>
public interface IFrameSink : IDisposable
{
    /// <summary>
    /// Writes the accepted frames of <paramref name="batch"/> when <paramref name="accepted"/> is true and the
    /// rejected ones (quarantine) when <paramref name="rejected"/> is true. Returns the records written.
    /// Must be idempotent per call only in the sense that a failed call may be repeated with the same batch.
    /// </summary>
    int Write(ParsedBatch batch, bool accepted, bool rejected);

    /// <summary>Pushes buffered records to their destination (called on the flush interval and at stop).</summary>
    void Flush();

    /// <summary>
    /// When what this sink took is safely stored: decides when peers with ack.enabled get <c>ACK n</c>.
    /// </summary>
    SinkDurability Durability => SinkDurability.None;

    /// <summary>
    /// Checks that the sink can still write (a round trip to its database); throws when it cannot. Called while the
    /// sink is idle, every probe-interval, so that /health/ready notices an outage before the next batch does.
    /// </summary>
    void Probe()
    {
    }
}

/// <summary>When records a sink took are durable.</summary>
public enum SinkDurability
{
    /// <summary>Never (console, blackhole, websocket): counted as committed once handed to the sink.</summary>
    None,

    /// <summary>When <see cref="IFrameSink.Write"/> returns (a committed transaction).</summary>
    OnWrite,

    /// <summary>When <see cref="IFrameSink.Flush"/> returns (written and fsynced).</summary>
    OnFlush,
}
