using ActorNet.Framing;

namespace ActorNet.Pipeline;

/// <summary>
/// The pools behind batch buffers. A read buffer becomes its batch's buffer (no copy) and comes back here
/// when every sink of the source has acknowledged the batch, so steady streaming allocates no buffers at all:
/// fresh memory per read made the kernel zero new pages for every GC cycle, which cost more than everything
/// else on the receive path. Dedicated pools, because the shared one keeps only a few arrays per core.
/// </summary>
/// <remarks>
/// The pools used to be <c>ArrayPool.Create</c>, which never lets go: after 1,000 peers pushed 1 MiB each and left,
/// RSS stayed at 1 GiB (136 MiB before). Now every <see cref="TrimInterval"/> each pool drops the arrays no rental
/// needed since the last trim (<see cref="TrimmingArrayPool{T}"/>). Dropped arrays are only garbage: an idle process
/// allocates nothing, so no GC would run to collect them and the heap would keep its pages. When a trim drops at
/// least <see cref="CollectAfter"/>, a compacting full collection gives them back to the OS (Aggressive: the GC also
/// decommits its free regions, which a plain gen2 collection keeps for reuse). It can only follow a burst that ended:
/// a busy process keeps its arrays in circulation, so trims drop little and never collect.
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

    /// <summary>Bytes held idle in both pools now.</summary>
    public static long PooledBytes => BytePool.PooledBytes + SlicePool.PooledBytes;

    private static void TrimIdle()
    {
        var released = BytePool.Trim() + SlicePool.Trim();
        if (released >= CollectAfter) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
