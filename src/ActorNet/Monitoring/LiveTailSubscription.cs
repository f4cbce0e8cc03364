using System.Threading.Channels;

namespace ActorNet.Monitoring;

/// <summary>One record on its way to a subscriber: UTF-8 JSON and the sink that published it.</summary>
public readonly record struct LiveTailRecord(string Sink, ReadOnlyMemory<byte> Json);

/// <summary>
/// One watcher of a <see cref="LiveTail"/>: read <see cref="Reader"/>, dispose to leave. The queue has one
/// reader; its continuations never run on the publishing thread.
/// </summary>
public sealed class LiveTailSubscription : IDisposable
{
    private readonly LiveTail _tail;
    private readonly Channel<LiveTailRecord> _queue;
    private long _dropped;

    internal LiveTailSubscription(LiveTail tail, int capacity, string? sink, IReadOnlyCollection<string>? sources)
    {
        _tail = tail;
        Capacity = capacity;
        Sink = sink;
        Sources = sources is { Count: > 0 } ? sources.ToHashSet(StringComparer.Ordinal) : null;
        _queue = Channel.CreateBounded<LiveTailRecord>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                // A subscriber's read loop must not run on (and so hold up) a sink's thread.
                AllowSynchronousContinuations = false,
            },
            Dropped);
    }

    public int Capacity { get; }

    /// <summary>The sink this subscriber watches; null for all.</summary>
    public string? Sink { get; }

    /// <summary>The sources whose records this subscriber wants; null for all.</summary>
    public IReadOnlySet<string>? Sources { get; }

    public ChannelReader<LiveTailRecord> Reader => _queue.Reader;

    /// <summary>Records queued and not yet read.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Records this subscriber lost because it fell <see cref="Capacity"/> records behind.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Leaves the tail; records already queued can still be read.</summary>
    public void Dispose()
    {
        _tail.Unsubscribe(this);
        _queue.Writer.TryComplete();
    }

    internal bool Accepts(string sink, string source) =>
        (Sink is null || string.Equals(Sink, sink, StringComparison.Ordinal)) && (Sources is null || Sources.Contains(source));

    // DropOldest: the write always succeeds while the subscription is open, evicting the oldest record when full.
    internal bool TryQueue(LiveTailRecord record) => _queue.Writer.TryWrite(record);

    private void Dropped(LiveTailRecord record)
    {
        Interlocked.Increment(ref _dropped);
        _tail.CountDrop(record.Sink);
    }
}
