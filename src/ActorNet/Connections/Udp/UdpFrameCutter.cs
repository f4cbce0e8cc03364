using ActorNet.Configuration;
using ActorNet.Framing;
using ActorNet.Protocol;

namespace ActorNet.Connections.Udp;

/// <summary>
/// Turns datagrams into <see cref="FrameBatch"/>es. A frame never spans datagrams: with raw framing each datagram is one
/// frame, and a round's datagrams of one peer share one batch (one owned, pooled buffer: a flood costs a few objects
/// per sender and receive round, not per datagram); with another framing each datagram is cut by a
/// <see cref="FrameCutter"/> on its own, and bytes left at its end (a partial frame) are quarantined as truncated. A
/// datagram longer than the longest accepted is quarantined as truncated, with its first bytes. Pure: no actor or socket.
/// </summary>
internal sealed class UdpFrameCutter
{
    private readonly FramingSettings _framing;
    private readonly int _readBufferSize;
    private readonly int _rawLimit;
    private readonly bool _raw;
    private FrameCutter _cutter;

    public UdpFrameCutter(FramingSettings framing, int readBufferSize, int rawLimit)
    {
        _framing = framing;
        _readBufferSize = readBufferSize;
        _rawLimit = rawLimit;
        _raw = framing is RawFramingSettings;
        _cutter = NewCutter();
        MaxDatagramLength = _raw ? Math.Min(framing.MaxFrameLength, UdpSourceSettings.MaxDatagramPayload) : UdpSourceSettings.MaxDatagramPayload;
    }

    /// <summary>
    /// The longest datagram accepted: max-frame-length with raw framing (a datagram is a frame); with another framing
    /// any datagram UDP can carry, each frame in it being checked by the framing.
    /// </summary>
    public int MaxDatagramLength { get; }

    /// <summary>The room a receive offers each datagram: one byte more than accepted, so that a longer one shows as filling it.</summary>
    public int Slot => MaxDatagramLength + 1;

    private FrameCutter NewCutter() => new(_framing.CreateDecoder(), _readBufferSize, _rawLimit);

    /// <summary>
    /// The batches of the datagrams of <paramref name="chunk"/> at <paramref name="datagrams"/> (indexes, in the order
    /// they came), all from the peer <paramref name="info"/>, numbered from <paramref name="nextSeq"/> on; added to
    /// <paramref name="batches"/>.
    /// </summary>
    public void Cut(UdpChunk chunk, ReadOnlySpan<int> datagrams, ConnectionInfo info, ref long nextSeq, DateTime receivedAt, List<FrameBatch> batches)
    {
        if (_raw)
        {
            batches.Add(CutRaw(chunk, datagrams, info, ref nextSeq, receivedAt));
            return;
        }
        foreach (var i in datagrams)
        {
            ref readonly var datagram = ref chunk[i];
            if (datagram.Truncated)
            {
                batches.Add(Single(Oversize(chunk, i), info, ref nextSeq, receivedAt));
                continue;
            }
            if (_cutter.Cut(chunk.Buffer, datagram.Offset, datagram.Length, info, ref nextSeq, receivedAt, out var fatal) is { } batch)
                batches.Add(batch);
            if (fatal || _cutter.PartialLength > 0 || _cutter.IsDiscarding)
            {
                var (prefix, length) = _cutter.TakePartial();
                if (length > 0)
                {
                    batches.Add(Single(new RejectedFrame("truncated",
                        $"datagram of {datagram.Length} bytes ended after {length} bytes of an incomplete frame", prefix, length),
                        info, ref nextSeq, receivedAt));
                }
                // The decoder may be mid-frame or discarding: the next datagram starts afresh.
                _cutter.Dispose();
                _cutter = NewCutter();
            }
        }
    }

    private FrameBatch CutRaw(UdpChunk chunk, ReadOnlySpan<int> datagrams, ConnectionInfo info, ref long nextSeq, DateTime receivedAt)
    {
        var count = datagrams.Length;
        var bytes = 0;
        foreach (var i in datagrams)
            if (!chunk[i].Truncated) bytes += chunk[i].Length;
        var buffer = bytes == 0 ? [] : BatchBuffers.Bytes.Rent(bytes);
        var slices = BatchBuffers.Slices.Rent(count);
        RejectedFrame?[]? rejections = null;
        var position = 0;
        for (var entry = 0; entry < count; entry++)
        {
            var i = datagrams[entry];
            ref readonly var datagram = ref chunk[i];
            if (datagram.Truncated)
            {
                rejections ??= new RejectedFrame?[count];
                rejections[entry] = Oversize(chunk, i);
                slices[entry] = default;
                continue;
            }
            chunk.Bytes(i).CopyTo(buffer.AsSpan(position));
            slices[entry] = new FrameSpan(position, datagram.Length);
            position += datagram.Length;
        }
        var pooled = bytes > 0;
        if (!pooled)
        {
            // Only rejections: nothing to hand back to the pool later.
            var owned = slices.AsSpan(0, count).ToArray();
            BatchBuffers.Slices.Return(slices);
            slices = owned;
        }
        var batch = pooled
            ? FrameBatch.Rent(info, nextSeq, receivedAt, buffer, slices, count, rejections)
            : new FrameBatch(info, nextSeq, receivedAt, buffer, slices, count, rejections);
        nextSeq += count;
        return batch;
    }

    private RejectedFrame Oversize(UdpChunk chunk, int index)
    {
        ref readonly var datagram = ref chunk[index];
        var raw = chunk.Bytes(index)[..Math.Min(_rawLimit, datagram.Length)].ToArray();
        var size = datagram.FullLength > chunk.Slot ? $"of {datagram.FullLength} bytes" : $"longer than {MaxDatagramLength} bytes";
        return new RejectedFrame("truncated",
            $"datagram {size} exceeds {(_raw ? "max-frame-length" : "the largest UDP payload")} {MaxDatagramLength}; only its first bytes are kept",
            raw, datagram.FullLength);
    }

    private static FrameBatch Single(RejectedFrame rejected, ConnectionInfo info, ref long nextSeq, DateTime receivedAt)
    {
        var batch = new FrameBatch(info, nextSeq, receivedAt, [], [default], 1, [rejected]);
        nextSeq++;
        return batch;
    }
}
