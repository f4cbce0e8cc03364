using ActorNet.Framing;

namespace ActorNet.Protocol;

/// <summary>
/// The pools behind batch buffers. A read buffer becomes its batch's buffer (no copy) and comes back here
/// when every sink of the source has acknowledged the batch, so steady streaming allocates no buffers at all:
/// fresh memory per read made the kernel zero new pages for every GC cycle, which cost more than everything
/// else on the receive path. Dedicated pools, because the shared one keeps only a few arrays per core.
/// </summary>
/// <remarks>
/// The pools used to be <c>ArrayPool.Create</c>, which never lets go: after 1,000 peers pushed 1 MiB each and left,
/// RSS stayed at 1 GiB (136 MiB before). Now every <see cref="TrimInterval"/> each pool drops the arrays no rental
/// needed since the last trim (<see cref="TrimmingArrayPool{T}"/>). Dropped arrays are only garbage, and so is what
/// the burst parsed: an idle process allocates nothing, so no GC runs to collect it and the heap keeps its pages
/// (with a blackhole sink, whose pool surplus is small, RSS stayed at 358 MiB for good). So a compacting full
/// collection follows, Aggressive so that the GC also decommits its free regions (a plain gen2 collection keeps them
/// for reuse), when either
/// <list type="bullet">
/// <item>the trims since the last such collection dropped <see cref="CollectAfter"/> or more (a burst ended), or</item>
/// <item>nothing was rented for a whole interval (no peer sent a byte) and <see cref="CollectAfter"/> or more was
/// allocated since the last such collection.</item>
/// </list>
/// A busy process keeps its arrays in circulation and rents all the time, so it is never collected this way; each
/// burst that ends costs one or two collections, of a heap that is by then mostly garbage.
/// </remarks>
internal static class BatchBuffers
{
    /// <summary>How long an array must go unused before it is dropped: between one and two intervals.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(10);

    /// <summary>Released bytes worth a full, compacting collection (a pause of a few ms on a heap this idle).</summary>
    public const long CollectAfter = 32 * 1024 * 1024;

    private static readonly TrimmingArrayPool<byte> BytePool = new(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 1024);
    private static readonly TrimmingArrayPool<FrameSpan> SlicePool = new(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 1024);

    // Static, so it lives as long as the pools; a timer thread of the runtime's, no thread of its own.
    private static readonly Timer Trimmer = new(_ => TrimIdle(), null, TrimInterval, TrimInterval);

    public static System.Buffers.ArrayPool<byte> Bytes => BytePool;
    public static System.Buffers.ArrayPool<FrameSpan> Slices => SlicePool;

    /// <summary>Byte arrays rented from the pool and not returned since start: in use, or let go to the collector.</summary>
    public static long OutstandingByteArrays => BytePool.Outstanding;

    /// <summary>Bytes held idle in both pools now.</summary>
    public static long PooledBytes => BytePool.PooledBytes + SlicePool.PooledBytes;

    private static long _releasedSinceCollect;
    private static long _allocatedAtCollect;

    // Timer callbacks do not overlap here: a trim takes microseconds and a collection of an idle heap milliseconds,
    // against an interval of seconds.
    private static void TrimIdle()
    {
        var idle = !BytePool.RentedSinceTrim && !SlicePool.RentedSinceTrim;
        _releasedSinceCollect += BytePool.Trim() + SlicePool.Trim();
        var allocated = GC.GetTotalAllocatedBytes() - _allocatedAtCollect;
        if (_releasedSinceCollect < CollectAfter && !(idle && allocated >= CollectAfter)) return;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _releasedSinceCollect = 0;
        _allocatedAtCollect = GC.GetTotalAllocatedBytes();
    }
}
