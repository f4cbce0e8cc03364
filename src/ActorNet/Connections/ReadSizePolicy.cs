using System.Numerics;

namespace ActorNet.Connections;

/// <summary>
/// How many bytes a connection's next socket read asks for, learnt from what its reads returned (after Netty's
/// <c>AdaptiveRecvByteBufAllocator</c>): starts at the minimum, grows eightfold after a read that filled all the room
/// it was offered (more is likely waiting), halves after two reads in a row that would have fitted in half the size
/// (one short read, the tail of a burst, is not enough). Sizes are powers of two between <see cref="Min"/> and
/// <see cref="Max"/>, as the pools rent them, so that the size is also what a read buffer costs in the budgets.
///
/// Why: a read buffer becomes its batch's buffer and stays pinned until every sink acknowledged the batch. With a
/// fixed read-buffer-size, a peer sending one 100-byte line per read pinned 64 KiB per line; a streaming peer
/// still reaches read-buffer-size within two reads (1 → 8 → 64 KiB by default).
///
/// Why eightfold (Netty grows sixteenfold): every size a connection passes through is a pool bucket, and a fleet that
/// starts streaming at once rents about one array per connection in each. Doubling went through seven sizes from
/// 1 to 64 KiB: after 1,000 peers resumed together behind a stalled sink the process peaked at 250–260 MiB RSS with a
/// 64 MiB budget (38 B allocated per frame, the buckets refilled); eightfold, three sizes: 183–186 MiB, 17–19 B.
/// Straight to the maximum measured 160 MiB, but made a peer whose one read filled 1 KiB hold 64 KiB mid-frame.
/// Pure, no allocation; one per connection.
/// </summary>
internal struct ReadSizePolicy
{
    private bool _shrinkNext;

    /// <param name="min">min-read-buffer-size (rounded up to a power of two, at most <paramref name="max"/>).</param>
    /// <param name="max">read-buffer-size (rounded up to a power of two).</param>
    public ReadSizePolicy(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        Max = Rounded(max);
        Min = Math.Min(Rounded(min), Max);
        Size = Min;
        _shrinkNext = false;
    }

    /// <summary>How much a read that filled its room grows the next one.</summary>
    public const int Growth = 8;

    public int Min { get; }

    public int Max { get; }

    /// <summary>The size of the next read buffer: a power of two in [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public int Size { get; private set; }

    /// <summary>
    /// Learns from a read that returned <paramref name="received"/> bytes into <paramref name="offered"/> bytes of room
    /// (more than <see cref="Size"/> when it read into a buffer that already had more room, e.g. a partial frame's).
    /// </summary>
    public void Record(int received, int offered)
    {
        if (received >= offered && received > 0)
        {
            Size = (int)Math.Min(Max, (long)Size * Growth);
            _shrinkNext = false;
        }
        else if (received <= Size / 2)
        {
            if (_shrinkNext) Size = Math.Max(Min, Size / 2);
            // Two short reads shrink once; the next shrink needs two more.
            _shrinkNext = !_shrinkNext;
        }
        else
        {
            _shrinkNext = false;
        }
    }

    private static int Rounded(int length) => (int)BitOperations.RoundUpToPowerOf2((uint)length);
}
