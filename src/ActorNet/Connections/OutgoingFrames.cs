using ActorNet.Framing;
using ActorNet.Protocol;

namespace ActorNet.Connections;

/// <summary>
/// Frames waiting to be written to one peer (echo replies, heartbeats, the on-connect payload, application
/// writes), already framed like the input, in pooled buffers. Bounded: past <c>limit</c> bytes the connection
/// stops reading (a peer that does not read its echoes cannot make ActorNet buffer without end) and
/// application writes are refused.
/// </summary>
internal sealed class OutgoingFrames
{
    private readonly IFrameEncoder _encoder;
    private readonly byte[]? _delimiter;
    private readonly int _limit;
    private readonly Queue<(byte[] Buffer, int Count)> _queue = new();

    // The buffer taken for the write in progress. A write started by an earlier incarnation of the connection
    // actor completes into this one: its bytes were never counted here, so they must not be subtracted.
    private byte[]? _writing;

    /// <param name="encoder">The source's framing.</param>
    /// <param name="delimiter">The delimiter of delimiter framing, else null: a configured payload that already
    /// ends with it (<c>"PING\n"</c>) is not given a second one.</param>
    /// <param name="limit">Bytes that may wait before the connection stops reading.</param>
    public OutgoingFrames(IFrameEncoder encoder, byte[]? delimiter, int limit)
    {
        _encoder = encoder;
        _delimiter = delimiter;
        _limit = limit;
    }

    /// <summary>Bytes queued and not yet reported written.</summary>
    public long PendingBytes { get; private set; }

    /// <summary>The length of the buffers queued or being written (rented, so at least <see cref="PendingBytes"/>): their share of max-inflight-bytes.</summary>
    public long HeldBytes { get; private set; }

    public bool IsOverLimit => PendingBytes >= _limit;

    /// <summary>Queues a payload from configuration or an application; false with a reason when it cannot be framed or sent.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> payload, out string? error)
    {
        if (IsOverLimit)
        {
            error = $"{PendingBytes} bytes are already waiting to be sent to this peer";
            return false;
        }
        payload = OutgoingPayload.WithoutDelimiter(payload, _delimiter);
        byte[]? buffer = null;
        try
        {
            buffer = BatchBuffers.Bytes.Rent(_encoder.GetEncodedLength(payload.Length));
            var count = _encoder.Encode(payload, buffer);
            Add(buffer, count);
            error = null;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            if (buffer is not null) BatchBuffers.Bytes.Return(buffer);
            error = e.Message;
            return false;
        }
    }

    /// <summary>Queues every accepted frame of <paramref name="batch"/>, framed again, as one write.</summary>
    public void EnqueueEcho(FrameBatch batch)
    {
        var total = 0;
        for (var i = 0; i < batch.Count; i++)
            if (batch.Rejections?[i] is null) total += _encoder.GetEncodedLength(batch.FrameBytes(i).Length);
        if (total == 0) return;
        var buffer = BatchBuffers.Bytes.Rent(total);
        var count = 0;
        for (var i = 0; i < batch.Count; i++)
            if (batch.Rejections?[i] is null) count += _encoder.Encode(batch.FrameBytes(i), buffer.AsSpan(count));
        Add(buffer, count);
    }

    public bool TryTakeNext(out byte[] buffer, out int count)
    {
        if (_queue.TryDequeue(out var next))
        {
            (buffer, count) = next;
            _writing = buffer;
            return true;
        }
        buffer = [];
        count = 0;
        return false;
    }

    /// <summary>A taken buffer was written (or failed): its bytes no longer wait, and it goes back to the pool.</summary>
    public void Completed(byte[] buffer, int count)
    {
        if (ReferenceEquals(buffer, _writing))
        {
            PendingBytes -= count;
            HeldBytes -= buffer.Length;
            _writing = null;
        }
        BatchBuffers.Bytes.Return(buffer);
    }

    private void Add(byte[] buffer, int count)
    {
        _queue.Enqueue((buffer, count));
        PendingBytes += count;
        HeldBytes += buffer.Length;
    }
}
