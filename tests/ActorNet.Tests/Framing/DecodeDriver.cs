using System.Buffers;
using ActorNet.Framing;
using Xunit;

namespace ActorNet.Tests.Framing;

/// <summary>How the driver lays out the unconsumed bytes it hands to the decoder.</summary>
internal enum BufferLayout
{
    /// <summary>One array, like the connection actor's read buffer.</summary>
    Contiguous,

    /// <summary>One segment per read, like a pipe reader: frames and delimiters straddle segments.</summary>
    SegmentPerRead,
}

/// <summary>One outcome of <see cref="IFrameDecoder.Decode"/> other than NeedMoreData, with its bytes copied out.</summary>
internal sealed record DecodeEvent(DecodeStatus Status, byte[] Bytes, FrameError Error)
{
    public override string ToString() => $"{Status}({Bytes.Length} bytes{(Error.Kind == FrameErrorKind.None ? "" : ", " + Error)})";
}

/// <summary>
/// Feeds reads to a decoder the way a socket reader would: append to the pending bytes, decode until NeedMoreData
/// (or Fatal), keep the leftovers. Checks on every call what <see cref="DecodeStatus"/> promises about consumption.
/// </summary>
internal sealed class DecodeDriver
{
    private readonly IFrameDecoder _decoder;
    private readonly BufferLayout _layout;
    private readonly List<byte[]> _pending = [];

    public DecodeDriver(IFrameDecoder decoder, BufferLayout layout = BufferLayout.Contiguous)
    {
        _decoder = decoder;
        _layout = layout;
    }

    public List<DecodeEvent> Events { get; } = [];

    /// <summary>Set after Fatal: the caller would close the peer, so further reads are refused.</summary>
    public bool Closed { get; private set; }

    /// <summary>Bytes the decoder has consumed so far, over all reads.</summary>
    public long Consumed { get; private set; }

    public long PendingLength => _pending.Sum(p => (long)p.Length);

    public byte[] PendingBytes => _pending.SelectMany(p => p).ToArray();

    public IEnumerable<byte[]> Frames => Events.Where(e => e.Status == DecodeStatus.Frame).Select(e => e.Bytes);

    public static DecodeDriver Run(IFrameDecoder decoder, IEnumerable<byte[]> reads, BufferLayout layout = BufferLayout.Contiguous)
    {
        var driver = new DecodeDriver(decoder, layout);
        foreach (byte[] read in reads)
        {
            if (driver.Closed)
            {
                break;
            }

            driver.Receive(read);
        }

        return driver;
    }

    public void Receive(params byte[] read)
    {
        Assert.False(Closed, "the decoder reported Fatal; the caller must not feed it more bytes");
        if (_layout == BufferLayout.Contiguous && _pending.Count == 1)
        {
            _pending[0] = [.. _pending[0], .. read];
        }
        else
        {
            _pending.Add(read);
        }

        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks([.. _pending]);
        while (true)
        {
            ReadOnlySequence<byte> before = buffer;
            DecodeStatus status = _decoder.Decode(ref buffer, out ReadOnlySequence<byte> frame, out FrameError error);
            long consumed = before.Length - buffer.Length;
            CheckContract(status, before, buffer, consumed, frame, error);
            Consumed += consumed;

            if (status == DecodeStatus.NeedMoreData)
            {
                break;
            }

            Events.Add(new DecodeEvent(status, frame.ToArray(), error));
            if (status == DecodeStatus.Fatal)
            {
                Closed = true;
                break;
            }
        }

        _pending.Clear();
        if (_layout == BufferLayout.Contiguous)
        {
            _pending.Add(buffer.ToArray());
        }
        else
        {
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                _pending.Add(segment.ToArray());
            }
        }
    }

    private static void CheckContract(
        DecodeStatus status,
        ReadOnlySequence<byte> before,
        ReadOnlySequence<byte> after,
        long consumed,
        ReadOnlySequence<byte> frame,
        FrameError error)
    {
        // Truncation is the caller's verdict when the connection ends; a decoder never sees the end.
        Assert.NotEqual(FrameErrorKind.Truncated, error.Kind);

        switch (status)
        {
            case DecodeStatus.NeedMoreData:
            case DecodeStatus.Fatal:
                Assert.Equal(0, consumed);
                Assert.True(before.Start.Equals(after.Start), $"{status} must leave the buffer where it was");
                break;
            case DecodeStatus.Frame:
            case DecodeStatus.Rejected:
                Assert.True(consumed > 0, $"{status} must consume bytes");
                Assert.True(frame.Length <= consumed, $"{status} must hand out consumed bytes only");
                break;
            case DecodeStatus.Discarding:
                Assert.True(consumed > 0, "Discarding must consume bytes");
                Assert.Equal(consumed, frame.Length);
                break;
            default:
                Assert.Fail($"unknown status {status}");
                break;
        }

        bool expectsError = status is DecodeStatus.Rejected or DecodeStatus.Fatal;
        Assert.Equal(expectsError, error.Kind != FrameErrorKind.None);
    }
}
