namespace ActorNet.Protocol;

/// <summary>
/// Frame batches (each with its parsed batch) that finished their journey, for the next reads: with one small frame
/// per read, the two objects were most of what a read allocated (about 150 bytes), and so most of what the collector
/// chased at 100,000 reads a second. Bounded: at most <see cref="Capacity"/> wait here (about 3 MiB); more go to the
/// collector. A lock, not a lock-free queue: it is held for a push or a pop, and a concurrent queue allocates a new
/// segment as it wraps.
/// </summary>
internal static class BatchPool
{
    /// <summary>Batches kept at most: above what 1,000 busy peers keep in flight (max-inflight-bytes lets each hold several).</summary>
    public const int Capacity = 16384;

    private static readonly FrameBatch[] Items = new FrameBatch[Capacity];
    private static readonly Lock Gate = new();
    private static int _count;

    /// <summary>Batches waiting here now.</summary>
    public static int Count => Volatile.Read(ref _count);

    public static FrameBatch? TryTake()
    {
        lock (Gate)
        {
            if (_count == 0) return null;
            var batch = Items[--_count];
            Items[_count] = null!;
            return batch;
        }
    }

    public static void Return(FrameBatch batch)
    {
        lock (Gate)
        {
            if (_count < Capacity) Items[_count++] = batch;
        }
    }
}
