using ActorNet.Metrics;

namespace ActorNet.Monitoring;

/// <summary>
/// Hands the records of <c>websocket</c> sinks to whoever watches them live (the dashboard, <c>/ws/tail</c>).
/// One per ActorNet instance (<c>ActorNetOptions.LiveTail</c>, <c>ActorNetService.LiveTail</c>).
///
/// Watching must never slow ingestion: <see cref="Publish"/> never blocks and never waits for a subscriber.
/// Each subscriber has a bounded queue; when it is full the subscriber's oldest record is dropped (a live view
/// wants the newest) and counted for that subscriber, in <see cref="Dropped"/>, in the publishing sink's
/// <see cref="SinkStatus.Dropped"/> and in <c>actornet.sink.dropped</c>. Nothing is replayed: a subscriber
/// sees what is published after it subscribed.
/// </summary>
public sealed class LiveTail
{
    private readonly object _gate = new();

    // Copy-on-write, so that publishing reads it without a lock and an empty array costs one length check.
    private volatile LiveTailSubscription[] _subscribers = [];
    private long _dropped;
    private volatile ActorNetStatus? _status;

    public int SubscriberCount => _subscribers.Length;

    /// <summary>Records dropped for slow subscribers since start, those that have left included.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Whether a record of <paramref name="source"/> published by <paramref name="sink"/> would reach anyone; lets a
    /// sink skip formatting (and allocating) while nobody watches that source.
    /// </summary>
    public bool HasSubscribersFor(string sink, string source)
    {
        foreach (var subscriber in _subscribers)
            if (subscriber.Accepts(sink, source))
                return true;
        return false;
    }

    /// <param name="capacity">Records queued for this subscriber before its oldest are dropped.</param>
    /// <param name="sink">Only records of this sink; null for all.</param>
    /// <param name="sources">Only records of these sources; null or empty for all.</param>
    public LiveTailSubscription Subscribe(int capacity, string? sink = null, IReadOnlyCollection<string>? sources = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new LiveTailSubscription(this, capacity, sink, sources);
        lock (_gate) _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    /// <summary>
    /// Queues <paramref name="record"/> (UTF-8 JSON, one record of <paramref name="source"/>) for every subscriber that
    /// wants records of <paramref name="sink"/> and that source. The bytes are shared by all of them: the caller must
    /// not change them afterwards. Returns how many subscribers it was queued for.
    /// </summary>
    public int Publish(string sink, string source, ReadOnlyMemory<byte> record)
    {
        var queued = 0;
        foreach (var subscriber in _subscribers)
            if (subscriber.Accepts(sink, source) && subscriber.TryQueue(new LiveTailRecord(sink, record)))
                queued++;
        return queued;
    }

    /// <summary>Ties drop accounting to the instance's sink status (called once by <c>ActorNetService.Start</c>).</summary>
    internal void Attach(ActorNetStatus status) => _status = status;

    internal void Unsubscribe(LiveTailSubscription subscription)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => s != subscription).ToArray();
    }

    internal void CountDrop(string sink)
    {
        Interlocked.Increment(ref _dropped);
        _status?.Sink(sink)?.AddDropped(1);
        ActorNetMetrics.SinkDroppedRecords.Add(1, ActorNetMetrics.Sink(sink));
    }
}
