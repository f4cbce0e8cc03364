using System.Numerics;

namespace ActorNet.Connections;

/// <summary>
/// The byte half of a connection's back-pressure (max-inflight-bytes); the frame half is
/// <see cref="ConnectionState.Inflight"/>. Counts what memory costs, the length of every rented array the
/// connection holds, not the bytes used in it: the read buffers of batches no sink has finished with
/// (<see cref="Pinned"/>), the buffer holding the partial frame, and the buffers of queued writes.
///
/// A read is started only when everything held plus the read buffer it rents fits in the limit. A read pins
/// its buffer (or a smaller copy of its frames) and leaves the partial frame in a new one of the same size, so a
/// connection holds at most the limit plus that one buffer: <c>max-inflight-bytes + read-buffer-size</c> (read
/// buffers adapt, <see cref="ReadSizePolicy"/>, and are never larger) while frames are at most half a read buffer long
/// (longer frames: plus the frame, see <see cref="FrameCutter.PrepareReceive"/>; echo: plus the echo of one
/// read). Settings refuse a read buffer larger than the limit, so a read always fits once nothing is pinned.
/// Pure and allocation-free; lives in <see cref="ConnectionState"/>, since unacknowledged batches outlive restarts.
/// </summary>
internal sealed class InflightBytes
{
    private readonly int _readBuffer;

    /// <param name="limit">max-inflight-bytes.</param>
    /// <param name="readBufferSize">read-buffer-size, as rented (the pools round up to a power of two).</param>
    public InflightBytes(long limit, int readBufferSize)
    {
        Limit = limit;
        _readBuffer = (int)BitOperations.RoundUpToPowerOf2((uint)readBufferSize);
    }

    public long Limit { get; }

    /// <summary>read-buffer-size as rented: the largest read buffer.</summary>
    public int ReadBuffer => _readBuffer;

    /// <summary>Bytes of the buffers of batches sent and not yet acknowledged by every sink.</summary>
    public long Pinned { get; private set; }

    public void Pin(int bytes) => Pinned += bytes;

    public void Unpin(int bytes) => Pinned -= bytes;

    /// <summary>Everything this connection holds, given the cutter's buffer and the queued writes' buffers.</summary>
    public long Held(int partialBuffer, long queuedWrites) => Pinned + partialBuffer + queuedWrites;

    /// <summary>
    /// Whether a read may start. Always when nothing is pinned and nothing waits to be written: then no
    /// acknowledgement or write completion would ever come to resume reading, and a frame longer than the limit
    /// must still be read to its end.
    /// </summary>
    public bool MayRead(int partialBuffer, long queuedWrites) =>
        MayRead(partialBuffer, queuedWrites, partialBuffer == 0 ? _readBuffer : 0);

    /// <summary>
    /// As <see cref="MayRead(int, long)"/> for a read that rents <paramref name="nextRent"/> bytes
    /// (<see cref="FrameCutter.NextRentBytes"/>: its adaptive read size, a larger buffer for the partial frame when
    /// the read size grew past the room left, or 0). The partial frame's old buffer still counts: it is returned only
    /// once the new one is rented.
    /// </summary>
    public bool MayRead(int partialBuffer, long queuedWrites, int nextRent)
    {
        if (Pinned == 0 && queuedWrites == 0) return true;
        return Held(partialBuffer, queuedWrites) + nextRent <= Limit;
    }

    /// <summary>After an acknowledgement, whether a paused connection may read again: below half the limit (hysteresis, as for frames), or once nothing is pinned.</summary>
    public bool MayResume(int partialBuffer, long queuedWrites) =>
        (Pinned == 0 && queuedWrites == 0) || Held(partialBuffer, queuedWrites) <= Limit / 2;
}
