using System.Buffers;
using ActorNet.Framing;
using ActorNet.Pipeline;

namespace ActorNet.Connections;

/// <summary>
/// Turns the bytes of socket reads into <see cref="FrameBatch"/>es: owns the read buffer and the partial
/// frame at its front, runs the decoder, and copies the frames of each read into one owned buffer that may
/// cross a mailbox. No actor inside: the connection actor is a thin shell around this.
///
/// The read buffer is rented only while a peer is sending and returned as soon as a short read leaves no
/// partial frame, so an idle peer holds no buffer at all.
/// </summary>
internal sealed class FrameCutter : IDisposable
{
    private readonly IFrameDecoder _decoder;
    private readonly int _readBufferSize;
    private readonly int _rawLimit;
    private byte[]? _buffer;
    private int _filled;

    // Entries of the read being cut; reused from read to read.
    private FrameSlice[] _slices = new FrameSlice[64];
    private RejectedFrame?[]? _rejections;
    private int _count;

    // A too-long frame being discarded across reads: its first bytes (for quarantine) and how many so far.
    private byte[]? _discardPrefix;
    private int _discardPrefixLength;
    private long _discardedLength;

    public FrameCutter(IFrameDecoder decoder, int readBufferSize, int rawLimit)
    {
        _decoder = decoder;
        _readBufferSize = readBufferSize;
        _rawLimit = rawLimit;
    }

    /// <summary>Bytes of an incomplete frame waiting for more data.</summary>
    public int PartialLength => _filled;

    /// <summary>True while a too-long frame is being skipped.</summary>
    public bool IsDiscarding => _discardedLength > 0;

    public bool HoldsBuffer => _buffer is not null;

    /// <summary>Where the next receive should write: after the partial frame, with room for a full read.</summary>
    public (byte[] Buffer, int Offset, int Count) PrepareReceive()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_readBufferSize);
        }
        else if (_buffer.Length - _filled < _readBufferSize / 2)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_filled + _readBufferSize);
            _buffer.AsSpan(0, _filled).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return (_buffer, _filled, _buffer.Length - _filled);
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
        if (!ReferenceEquals(buffer, _buffer) || offset != _filled)
        {
            var (own, ownOffset, room) = PrepareReceive();
            if (room < count)
            {
                // Only reachable when a foreign read was larger than our free space: grow to fit it.
                var larger = ArrayPool<byte>.Shared.Rent(_filled + count);
                own.AsSpan(0, _filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(own);
                _buffer = own = larger;
            }
            buffer.AsSpan(offset, count).CopyTo(own.AsSpan(ownOffset));
        }

        var total = _filled + count;
        var sequence = new ReadOnlySequence<byte>(_buffer!, 0, total);
        _count = 0;
        _rejections = null;
        fatal = false;
        var firstFrameStart = -1;
        var lastFrameEnd = 0;

        while (!fatal)
        {
            var status = _decoder.Decode(ref sequence, out var frame, out var error);
            switch (status)
            {
                case DecodeStatus.Frame:
                    var start = frame.Start.GetInteger();
                    if (firstFrameStart < 0) firstFrameStart = start;
                    lastFrameEnd = start + (int)frame.Length;
                    Add(new FrameSlice(start, (int)frame.Length), null);
                    continue;
                case DecodeStatus.Discarding:
                    KeepDiscarded(frame);
                    continue;
                case DecodeStatus.Rejected:
                    KeepDiscarded(frame);
                    Add(default, TakeDiscarded(error, error.Length));
                    continue;
                case DecodeStatus.Fatal:
                    KeepDiscarded(frame);
                    Add(default, TakeDiscarded(error, _discardedLength));
                    fatal = true;
                    continue;
                default:
                    break;
            }
            break;
        }

        var consumed = fatal ? total : (int)(total - sequence.Length);
        var batch = _count == 0 ? null : BuildBatch(info, ref nextSeq, receivedAt, firstFrameStart, lastFrameEnd);
        KeepPartial(consumed, total);
        if (_filled == 0 && count < _buffer!.Length / 2) ReleaseBuffer();
        return batch;
    }

    /// <summary>The peer closed (or we stop) inside a frame: the bytes held become a truncated rejection.</summary>
    public FrameBatch? Truncate(ConnectionInfo info, ref long nextSeq, DateTime at)
    {
        if (_filled == 0 && !IsDiscarding) return null;
        _count = 0;
        _rejections = null;
        if (_filled > 0) KeepDiscarded(new ReadOnlySequence<byte>(_buffer!, 0, _filled));
        var length = _discardedLength;
        Add(default, TakeDiscarded(new FrameError(FrameErrorKind.Truncated, length, 0), length));
        _filled = 0;
        ReleaseBuffer();
        return BuildBatch(info, ref nextSeq, at, -1, 0);
    }

    /// <summary>Hands the partial frame over (for quarantine by the next incarnation) and forgets it.</summary>
    public (byte[] Prefix, int Length) TakePartial()
    {
        var length = _filled + (int)Math.Min(_discardedLength, int.MaxValue - _filled);
        byte[] prefix;
        if (_filled > 0)
        {
            KeepDiscarded(new ReadOnlySequence<byte>(_buffer!, 0, _filled));
        }
        prefix = _discardPrefix is null ? [] : _discardPrefix.AsSpan(0, _discardPrefixLength).ToArray();
        _discardPrefix = null;
        _discardPrefixLength = 0;
        _discardedLength = 0;
        _filled = 0;
        return (prefix, length);
    }

    /// <summary>See <see cref="IFrameDecoder.TryResynchronise"/>.</summary>
    public bool TryResynchronise(int lostBytes) => _decoder.TryResynchronise(lostBytes);

    public void Dispose() => ReleaseBuffer();

    private void ReleaseBuffer()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _filled = 0;
    }

    private void KeepPartial(int consumed, int total)
    {
        _filled = total - consumed;
        if (_filled > 0 && consumed > 0) _buffer.AsSpan(consumed, _filled).CopyTo(_buffer);
    }

    private void Add(FrameSlice slice, RejectedFrame? rejection)
    {
        if (_count == _slices.Length) Array.Resize(ref _slices, _slices.Length * 2);
        if (rejection is not null)
        {
            _rejections ??= new RejectedFrame?[_slices.Length];
            if (_rejections.Length < _slices.Length) Array.Resize(ref _rejections, _slices.Length);
            _rejections[_count] = rejection;
        }
        else if (_rejections is not null && _rejections.Length > _count)
        {
            _rejections[_count] = null;
        }
        _slices[_count++] = slice;
    }

    private void KeepDiscarded(ReadOnlySequence<byte> bytes)
    {
        _discardedLength += bytes.Length;
        var room = _rawLimit - _discardPrefixLength;
        if (room <= 0 || bytes.IsEmpty) return;
        _discardPrefix ??= new byte[Math.Min(_rawLimit, 4096)];
        var take = (int)Math.Min(room, bytes.Length);
        if (_discardPrefix.Length < _discardPrefixLength + take)
            Array.Resize(ref _discardPrefix, Math.Min(_rawLimit, Math.Max(_discardPrefix.Length * 2, _discardPrefixLength + take)));
        bytes.Slice(0, take).CopyTo(_discardPrefix.AsSpan(_discardPrefixLength));
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

    private FrameBatch BuildBatch(ConnectionInfo info, ref long nextSeq, DateTime receivedAt, int firstFrameStart, int lastFrameEnd)
    {
        // One copy of the span that holds every frame of this read (delimiters included: one memcpy beats
        // hundreds of small ones), into a buffer that the batch owns from now on.
        byte[] owned;
        var slices = new FrameSlice[_count];
        if (firstFrameStart < 0)
        {
            owned = [];
            Array.Copy(_slices, slices, _count);
        }
        else
        {
            owned = GC.AllocateUninitializedArray<byte>(lastFrameEnd - firstFrameStart);
            _buffer.AsSpan(firstFrameStart, owned.Length).CopyTo(owned);
            for (var i = 0; i < _count; i++)
            {
                var s = _slices[i];
                slices[i] = _rejections?[i] is null ? new FrameSlice(s.Offset - firstFrameStart, s.Length) : default;
            }
        }

        RejectedFrame?[]? rejections = null;
        if (_rejections is not null)
        {
            rejections = new RejectedFrame?[_count];
            Array.Copy(_rejections, rejections, _count);
            Array.Clear(_rejections);
        }

        var batch = new FrameBatch(info, nextSeq, receivedAt, owned, slices, _count, rejections);
        nextSeq += _count;
        return batch;
    }
}
