using System.Buffers;
using ActorNet.Framing;
using ActorNet.Protocol;

namespace ActorNet.Connections;

/// <summary>
/// Turns the bytes of socket reads into <see cref="FrameBatch"/>es: owns the read buffer and the partial
/// frame at its front and runs the decoder. When a read completes frames that fill much of the read buffer, the
/// read buffer itself becomes the batch's buffer (no copy; nobody writes to it again) and only the partial frame
/// at its end is copied to a fresh pooled buffer for the next read. When they fill little of it (a small line in a
/// large buffer), they are copied to a right-sized pooled buffer instead and the read buffer stays here, so that a
/// batch never pins more than about four times its bytes (see <see cref="CopyLimit"/>). No actor inside: the
/// connection actor is a thin shell around this.
///
/// Read buffers are sized by a <see cref="ReadSizePolicy"/>: small for a peer whose reads are small, up to
/// read-buffer-size while reads fill them. A buffer is rented only when data is waiting, so an idle peer holds no
/// buffer at all.
/// </summary>
internal sealed class FrameCutter : IDisposable
{
    private readonly IFrameDecoder _decoder;
    private readonly int _rawLimit;
    private readonly bool _asciiSeparated;
    private ReadSizePolicy _sizes;
    private byte[]? _buffer;
    private int _filled;

    // The room the last PrepareReceive offered: a read that fills it asks for a larger buffer next time.
    private int _offered;

    // Entries of the read being cut: a pooled array that the batch takes over.
    private FrameSpan[]? _slices;
    private RejectedFrame?[]? _rejections;
    private int _count;

    // A too-long frame being discarded across reads: its first bytes (for quarantine) and how many so far.
    private byte[]? _discardPrefix;
    private int _discardPrefixLength;
    private long _discardedLength;

    // Bytes lost in a restart while the decoder has not yet found the next boundary; 0 once it has.
    private long _lostBeforeBoundary;

    /// <param name="readBufferSize">read-buffer-size: the largest read buffer rented for a read (a partial frame
    /// longer than half of it gets a larger one).</param>
    /// <param name="minReadBufferSize">min-read-buffer-size: the smallest; 0 or read-buffer-size for a fixed size.</param>
    public FrameCutter(IFrameDecoder decoder, int readBufferSize, int rawLimit, int minReadBufferSize = 0)
    {
        _decoder = decoder;
        _sizes = new ReadSizePolicy(minReadBufferSize > 0 ? minReadBufferSize : readBufferSize, readBufferSize);
        _rawLimit = rawLimit;
        _asciiSeparated = decoder.SeparatesWithAscii;
    }

    /// <summary>
    /// Frames that use at most this many bytes, and at most a quarter of their read buffer, are copied to a
    /// right-sized buffer rather than pinning the read buffer: a memcpy of up to 16 KiB costs less than the read
    /// that brought it, while reads that fill their buffer (streaming) stay zero-copy.
    /// </summary>
    public const int CopyLimit = 16 * 1024;

    /// <summary>The size of the next fresh read buffer (as rented: a power of two), as learnt from the last reads.</summary>
    public int ReadSize => _sizes.Size;

    /// <summary>Bytes of an incomplete frame waiting for more data.</summary>
    public int PartialLength => _filled;

    /// <summary>
    /// Bytes read that belong to no entry yet: the partial frame plus a too-long frame skipped so far. A file's tail
    /// subtracts them from its read position to know where its last batch ends.
    /// </summary>
    public long PendingBytes => _filled + _discardedLength;

    /// <summary>True while a too-long frame is being skipped.</summary>
    public bool IsDiscarding => _discardedLength > 0;

    public bool HoldsBuffer => _buffer is not null;

    /// <summary>The length of the read buffer held (with the partial frame at its front), 0 when none: its share of max-inflight-bytes.</summary>
    public int BufferBytes => _buffer?.Length ?? 0;

    /// <summary>
    /// The length of the buffer <see cref="PrepareReceive"/> will rent, 0 when it reads into the one held: a fresh
    /// read buffer, or a larger one for a partial frame that leaves too little room (as rented: pools round up to a
    /// power of two).
    /// </summary>
    public int NextRentBytes =>
        _buffer is null ? _sizes.Size
        : _buffer.Length - _filled < _sizes.Size / 2 ? Rounded(PartialBufferLength(_sizes.Size))
        : 0;

    /// <summary>
    /// The buffer a partial frame of <see cref="PartialLength"/> bytes goes to, leaving room for at least half a read:
    /// one of the read size while the partial fits in half of it (buffers recycle in one pool bucket), the partial plus
    /// a read otherwise. At most read-buffer-size while the partial is at most half of it, whatever the read size.
    /// </summary>
    private int PartialBufferLength(int size) => _filled <= size / 2 ? size : _filled + size;

    private static int Rounded(int length) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length);

    /// <summary>Where the next receive should write: after the partial frame, with room for at least half a read of <see cref="ReadSize"/>.</summary>
    public (byte[] Buffer, int Offset, int Count) PrepareReceive()
    {
        var size = _sizes.Size;
        if (_buffer is null)
        {
            _buffer = BatchBuffers.Bytes.Rent(size);
        }
        else if (_buffer.Length - _filled < size / 2)
        {
            var larger = BatchBuffers.Bytes.Rent(PartialBufferLength(size));
            _buffer.AsSpan(0, _filled).CopyTo(larger);
            BatchBuffers.Bytes.Return(_buffer);
            _buffer = larger;
        }
        _offered = _buffer.Length - _filled;
        return (_buffer, _filled, _offered);
    }

    /// <summary>
    /// Cuts the frames out of a completed receive of <paramref name="count"/> bytes at
    /// <paramref name="offset"/> of <paramref name="buffer"/>. A buffer other than the one this cutter handed
    /// out (a read started by an earlier incarnation of the actor) is copied in after the current partial.
    /// Returns the batch (null when no frame completed) and sets <paramref name="fatal"/> when the stream
    /// cannot continue.
    /// </summary>
    public FrameBatch? Cut(byte[] buffer, int offset, int count, ConnectionInfo info, ref long nextSeq, DateTime receivedAt,
        out bool fatal)
    {
        // Learnt after cutting: the buffers this read moves its partial frame to are the size its reservation assumed.
        var batch = CutRead(buffer, offset, count, info, ref nextSeq, receivedAt, out fatal);
        _sizes.Record(count, _offered);
        return batch;
    }

    private FrameBatch? CutRead(byte[] buffer, int offset, int count, ConnectionInfo info, ref long nextSeq, DateTime receivedAt,
        out bool fatal)
    {
        if (!ReferenceEquals(buffer, _buffer) || offset != _filled)
        {
            var (own, ownOffset, room) = PrepareReceive();
            if (room < count)
            {
                // Only reachable when a foreign read was larger than our free space: grow to fit it.
                var larger = BatchBuffers.Bytes.Rent(_filled + count);
                own.AsSpan(0, _filled).CopyTo(larger);
                BatchBuffers.Bytes.Return(own);
                _buffer = own = larger;
            }
            buffer.AsSpan(offset, count).CopyTo(own.AsSpan(ownOffset));
        }

        var total = _filled + count;
        var bytes = _buffer!;
        _count = 0;
        _rejections = null;
        fatal = false;
        var firstFrameStart = -1;
        var position = 0;

        while (!fatal)
        {
            position += CutPlainFrames(bytes, position, total, ref firstFrameStart);
            var status = _decoder.Decode(bytes.AsMemory(position, total - position), out var start, out var length, out var used,
                out var error);
            start += position;
            position += used;
            switch (status)
            {
                case DecodeStatus.Frame:
                    _lostBeforeBoundary = 0;
                    if (firstFrameStart < 0) firstFrameStart = start;
                    Add(new FrameSpan(start, length), null);
                    continue;
                case DecodeStatus.Discarding:
                    KeepDiscarded(bytes.AsSpan(start, length));
                    continue;
                case DecodeStatus.Rejected:
                    _lostBeforeBoundary = 0;
                    KeepDiscarded(bytes.AsSpan(start, length));
                    // Everything skipped, whatever the error's numbers say (a skip to a sync marker reports the bad length it started from).
                    Add(default, TakeDiscarded(error, _discardedLength));
                    continue;
                case DecodeStatus.Fatal:
                    KeepDiscarded(bytes.AsSpan(start, length));
                    Add(default, TakeDiscarded(error, _discardedLength));
                    fatal = true;
                    continue;
                default:
                    break;
            }
            break;
        }

        var consumed = fatal ? total : position;
        if (_count == 0)
        {
            KeepPartial(consumed, total);
            // Everything was skipped (a too-long frame): nothing worth a buffer is left.
            if (_filled == 0) ReleaseBuffer();
            return null;
        }

        if (firstFrameStart >= 0 && _rejections is null && TryCopyFrames(bytes, firstFrameStart, consumed) is { } small)
        {
            // The frames moved out; the read buffer stays with the partial frame at its front, or goes back to the pool.
            KeepPartial(consumed, total);
            if (_filled == 0) ReleaseBuffer();
            return BuildBatch(info, ref nextSeq, receivedAt, small, pooled: true);
        }

        // The batch takes the read buffer; the partial frame after its last frame moves to a new one.
        var readBuffer = _buffer!;
        var size = _sizes.Size;
        _buffer = null;
        _filled = total - consumed;
        if (_filled > 0)
        {
            _buffer = BatchBuffers.Bytes.Rent(PartialBufferLength(size));
            readBuffer.AsSpan(consumed, _filled).CopyTo(_buffer);
        }
        if (firstFrameStart >= 0) return BuildBatch(info, ref nextSeq, receivedAt, readBuffer, pooled: true);
        BatchBuffers.Bytes.Return(readBuffer);
        return BuildBatch(info, ref nextSeq, receivedAt, [], pooled: false);
    }

    /// <summary>
    /// Copies the frames in [<paramref name="start"/>, <paramref name="end"/>) of the read buffer to a right-sized
    /// pooled buffer and rebases their offsets, when they use little of the read buffer; null when they stay where
    /// they are. The copy is never larger than <see cref="ReadSize"/>, the buffer the read's reservation allowed for
    /// the partial frame's move (which the copy saves), so the budgets stay exact.
    /// </summary>
    private byte[]? TryCopyFrames(byte[] readBuffer, int start, int end)
    {
        var used = end - start;
        if (used > CopyLimit || Rounded(used) > Math.Min(_sizes.Size, readBuffer.Length / 4)) return null;
        var small = BatchBuffers.Bytes.Rent(used);
        readBuffer.AsSpan(start, used).CopyTo(small);
        var slices = _slices.AsSpan(0, _count);
        for (var i = 0; i < slices.Length; i++) slices[i] = slices[i] with { Offset = slices[i].Offset - start };
        return small;
    }

    /// <summary>True while bytes of a frame that has not ended are held or being skipped.</summary>
    public bool InFrame => _filled > 0 || IsDiscarding;

    /// <summary>
    /// The peer closed (or we stop) inside a frame: the bytes held become a rejection, by default a truncated one;
    /// <paramref name="kind"/> and <paramref name="limit"/> say why else (frame-timeout, min-data-rate).
    /// </summary>
    public FrameBatch? Truncate(ConnectionInfo info, ref long nextSeq, DateTime at, FrameErrorKind kind = FrameErrorKind.Truncated,
        long limit = 0)
    {
        if (!InFrame) return null;
        _count = 0;
        _rejections = null;
        if (_filled > 0) KeepDiscarded(_buffer.AsSpan(0, _filled));
        var length = _discardedLength;
        Add(default, TakeDiscarded(new FrameError(kind, length, limit), length));
        _filled = 0;
        ReleaseBuffer();
        return BuildBatch(info, ref nextSeq, at, [], pooled: false);
    }

    /// <summary>Hands the partial frame over (for quarantine by the next incarnation) and forgets it.</summary>
    public (byte[] Prefix, int Length) TakePartial()
    {
        // A frame still being skipped after an earlier restart counts as lost too: the next incarnation must go
        // on skipping it, and fixed framing needs the whole lost length to find the boundary.
        var length = (int)Math.Min(int.MaxValue, _filled + _discardedLength + _lostBeforeBoundary);
        _lostBeforeBoundary = 0;
        byte[] prefix;
        if (_filled > 0)
        {
            KeepDiscarded(_buffer.AsSpan(0, _filled));
        }
        prefix = _discardPrefix is null ? [] : _discardPrefix.AsSpan(0, _discardPrefixLength).ToArray();
        _discardPrefix = null;
        _discardPrefixLength = 0;
        _discardedLength = 0;
        _filled = 0;
        return (prefix, length);
    }

    /// <summary>See <see cref="IFrameDecoder.TryResynchronise"/>.</summary>
    public bool TryResynchronise(int lostBytes)
    {
        if (!_decoder.TryResynchronise(lostBytes)) return false;
        _lostBeforeBoundary = lostBytes;
        return true;
    }

    /// <summary>
    /// Forgets the read buffer without returning it to the pool: a read the socket may still be completing writes
    /// into it, so it must never be handed to anyone else (the GC takes it instead). The slice array, which no socket
    /// writes to, goes back. With no read under way, <see cref="Dispose"/> returns both.
    /// </summary>
    public void Abandon()
    {
        _buffer = null;
        _filled = 0;
        if (_slices is not null) BatchBuffers.Slices.Return(_slices);
        _slices = null;
    }

    /// <summary>
    /// The owner stopped: both buffers go back to the pool (<see cref="Dispose"/>), unless a read may still complete
    /// into the read buffer (<paramref name="readUnderWay"/>), which then goes to the collector (<see cref="Abandon"/>).
    /// Abandoning it in every case cost each closed connection a fresh array somewhere else.
    /// </summary>
    public void Close(bool readUnderWay)
    {
        if (readUnderWay) Abandon();
        else Dispose();
    }

    public void Dispose()
    {
        ReleaseBuffer();
        if (_slices is not null) BatchBuffers.Slices.Return(_slices);
        _slices = null;
    }

    private void ReleaseBuffer()
    {
        if (_buffer is null) return;
        BatchBuffers.Bytes.Return(_buffer);
        _buffer = null;
        _filled = 0;
    }

    private void KeepPartial(int consumed, int total)
    {
        _filled = total - consumed;
        if (_filled > 0 && consumed > 0) _buffer.AsSpan(consumed, _filled).CopyTo(_buffer);
    }

    /// <summary>
    /// Lets the decoder cut a run of plain frames straight into the slice array (its bulk path); returns the
    /// bytes they covered. Only while no rejection is pending in this read, which keeps both arrays aligned.
    /// </summary>
    private int CutPlainFrames(byte[] bytes, int position, int total, ref int firstFrameStart)
    {
        if (_rejections is not null) return 0;
        var consumedTotal = 0;
        while (true)
        {
            _slices ??= BatchBuffers.Slices.Rent(256);
            if (_count == _slices.Length) GrowSlices();
            var room = _slices.AsSpan(_count);
            var cut = _decoder.DecodeFrames(bytes.AsSpan(position + consumedTotal, total - position - consumedTotal), room, out var consumed);
            if (cut == 0) return consumedTotal;
            if (firstFrameStart < 0) firstFrameStart = position + consumedTotal + room[0].Offset;
            var shift = position + consumedTotal;
            // The decoder's offsets are relative to the span it was given.
            for (var i = 0; i < cut; i++) room[i] = room[i] with { Offset = room[i].Offset + shift };
            _count += cut;
            consumedTotal += consumed;
            _lostBeforeBoundary = 0;
            if (_count < _slices.Length) return consumedTotal;
        }
    }

    private void GrowSlices()
    {
        var larger = BatchBuffers.Slices.Rent(_slices!.Length * 2);
        _slices.AsSpan().CopyTo(larger);
        BatchBuffers.Slices.Return(_slices);
        _slices = larger;
    }

    private void Add(FrameSpan slice, RejectedFrame? rejection)
    {
        // The per-frame case: room left and no rejection anywhere in this read.
        if (rejection is null && _rejections is null && _slices is { } slices && (uint)_count < (uint)slices.Length)
        {
            slices[_count++] = slice;
            return;
        }

        _slices ??= BatchBuffers.Slices.Rent(256);
        if (_count == _slices.Length) GrowSlices();
        if (rejection is not null || _rejections is not null)
        {
            // Rejections are rare: their array exists only once one occurs, and then keeps pace with the slices.
            if (_rejections is null) _rejections = new RejectedFrame?[_slices.Length];
            else if (_rejections.Length <= _count) Array.Resize(ref _rejections, _slices.Length);
            _rejections[_count] = rejection;
        }
        _slices[_count++] = slice;
    }

    private void KeepDiscarded(ReadOnlySpan<byte> bytes)
    {
        _discardedLength += bytes.Length;
        var room = _rawLimit - _discardPrefixLength;
        if (room <= 0 || bytes.IsEmpty) return;
        _discardPrefix ??= new byte[Math.Min(_rawLimit, 4096)];
        var take = (int)Math.Min(room, bytes.Length);
        if (_discardPrefix.Length < _discardPrefixLength + take)
            Array.Resize(ref _discardPrefix, Math.Min(_rawLimit, Math.Max(_discardPrefix.Length * 2, _discardPrefixLength + take)));
        bytes[..take].CopyTo(_discardPrefix.AsSpan(_discardPrefixLength));
        _discardPrefixLength += take;
    }

    private RejectedFrame TakeDiscarded(FrameError error, long rawLength)
    {
        var raw = _discardPrefix is null ? [] : _discardPrefix.AsSpan(0, _discardPrefixLength).ToArray();
        var rejected = new RejectedFrame(error.Reason, error.Describe(), raw, Math.Max(rawLength, raw.Length));
        _discardPrefix = null;
        _discardPrefixLength = 0;
        _discardedLength = 0;
        return rejected;
    }

    private FrameBatch BuildBatch(ConnectionInfo info, ref long nextSeq, DateTime receivedAt, byte[] buffer, bool pooled)
    {
        RejectedFrame?[]? rejections = null;
        if (_rejections is not null)
        {
            rejections = new RejectedFrame?[_count];
            Array.Copy(_rejections, rejections, _count);
            Array.Clear(_rejections);
        }

        var slices = _slices!;
        _slices = null;
        if (pooled && Rounded(Math.Max(_count, 1)) <= slices.Length / 4)
        {
            // A few frames: a right-sized slice array, so a small batch does not pin the 256-entry scratch array.
            var fitted = BatchBuffers.Slices.Rent(_count);
            slices.AsSpan(0, _count).CopyTo(fitted);
            BatchBuffers.Slices.Return(slices);
            slices = fitted;
        }
        else if (!pooled)
        {
            // Nothing but rejections (their bytes live in the rejections): no pooled buffer to hand back later.
            var copy = slices.AsSpan(0, _count).ToArray();
            BatchBuffers.Slices.Return(slices);
            slices = copy;
        }
        var batch = pooled
            ? FrameBatch.Rent(info, nextSeq, receivedAt, buffer, slices, _count, rejections, _asciiSeparated)
            : new FrameBatch(info, nextSeq, receivedAt, buffer, slices, _count, rejections);
        nextSeq += _count;
        return batch;
    }
}
