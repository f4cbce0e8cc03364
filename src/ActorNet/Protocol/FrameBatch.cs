using ActorNet.Framing;

namespace ActorNet.Protocol;

/// <summary>
/// Every frame cut from one socket read, as one owned buffer plus offsets: one message per read rather than
/// one per frame. Immutable once sent. Entry <c>i</c> has sequence number <c>FirstSeq + i</c>; an entry that
/// failed framing has a <see cref="RejectedFrame"/> in <see cref="Rejections"/> and no bytes of its own.
/// The buffer is pooled: it is valid until every sink has acknowledged the batch, after which the connection
/// that sent it returns it (<see cref="Release"/>). Sinks must copy anything they keep beyond that.
/// </summary>
public sealed class FrameBatch
{
    private byte[]? _buffer;
    private FrameSpan[]? _slices;
    private readonly bool _pooled;
    private readonly bool _asciiSeparated;

    public FrameBatch(ConnectionInfo connection, long firstSeq, DateTime receivedAt, byte[] buffer, FrameSpan[] slices,
        int count, RejectedFrame?[]? rejections, bool pooled = false, bool asciiSeparated = false)
    {
        _asciiSeparated = asciiSeparated && rejections is null && count > 0;
        _pooled = pooled;
        Connection = connection;
        FirstSeq = firstSeq;
        ReceivedAt = receivedAt;
        _buffer = buffer;
        _slices = slices;
        Count = count;
        Rejections = rejections;
        HeldBytes = buffer.Length;
    }

    public ConnectionInfo Connection { get; }
    public long FirstSeq { get; }
    public long LastSeq => FirstSeq + Count - 1;

    /// <summary>When the read that produced these frames completed (UTC).</summary>
    public DateTime ReceivedAt { get; }

    public int Count { get; }

    /// <summary>
    /// The length of the array behind the frames (a whole read buffer, however few bytes its frames use): what
    /// holding this batch costs its connection until it is released (max-inflight-bytes). Fixed at creation.
    /// </summary>
    internal int HeldBytes { get; }

    /// <summary>Null when every frame was framed correctly (the common case: no per-batch allocation).</summary>
    public RejectedFrame?[]? Rejections { get; }

    public ReadOnlyMemory<byte> Frame(int index)
    {
        var slice = _slices![index];
        return new ReadOnlyMemory<byte>(_buffer, slice.Offset, slice.Length);
    }

    /// <summary>The bytes of frame <paramref name="index"/> as a span (no <see cref="ReadOnlyMemory{T}"/> built).</summary>
    public ReadOnlySpan<byte> FrameBytes(int index)
    {
        var slice = _slices![index];
        return new ReadOnlySpan<byte>(_buffer, slice.Offset, slice.Length);
    }

    /// <summary>
    /// All frames of the batch with the ASCII separators between them, when the framing separates frames with
    /// ASCII bytes only and nothing in the batch was rejected; otherwise false.
    /// </summary>
    public bool TryGetAsciiSeparatedFrames(out ReadOnlySpan<byte> frames)
    {
        if (!_asciiSeparated)
        {
            frames = default;
            return false;
        }
        var first = _slices![0];
        var last = _slices[Count - 1];
        frames = new ReadOnlySpan<byte>(_buffer, first.Offset, last.Offset + last.Length - first.Offset);
        return true;
    }

    /// <summary>Returns pooled buffers; called once, by the connection, after the last acknowledgement.</summary>
    internal void Release()
    {
        if (!_pooled) return;
        if (_buffer is { } buffer) BatchBuffers.Bytes.Return(buffer);
        if (_slices is { } slices) BatchBuffers.Slices.Return(slices);
        _buffer = null;
        _slices = null;
    }
}
