using System.Buffers;
using System.Text;
using ActorNet.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Framing;

public sealed class RawFrameDecoderTests
{
    public sealed record RawStream(int MaxFrameLength, byte[] Bytes, int[] CutFractions)
    {
        public override string ToString() => $"max {MaxFrameLength}, bytes {Convert.ToHexString(Bytes)}, cuts {string.Join(",", CutFractions)}";
    }

    // Raw framing keeps no boundaries, so "exactly the encoded frames" means: every byte, in order, in chunks that
    // are neither empty nor longer than the limit, and nothing held back.

    [Property]
    public Property Any_split_of_a_stream_into_reads_yields_every_byte_in_bounded_chunks() =>
        Prop.ForAll(Streams().ToArbitrary(), s => AssertYieldsEveryByte(s, FramedStream.Reads(s.Bytes, s.CutFractions)));

    [Property]
    public Property One_byte_reads_yield_every_byte_in_bounded_chunks() =>
        Prop.ForAll(Streams().ToArbitrary(), s => AssertYieldsEveryByte(s, FramedStream.OneByteReads(s.Bytes)));

    [Property]
    public Property One_read_of_the_whole_stream_yields_every_byte_in_bounded_chunks() =>
        Prop.ForAll(Streams().ToArbitrary(), s => AssertYieldsEveryByte(s, [s.Bytes]));

    [Fact]
    public void Hands_out_each_read_as_it_comes()
    {
        DecodeDriver driver = DecodeDriver.Run(new RawFrameDecoder(100), ["ab"u8.ToArray(), "cde"u8.ToArray(), "f"u8.ToArray()]);

        Assert.Equal(["ab", "cde", "f"], driver.Frames.Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void Cuts_a_large_buffer_into_chunks_of_max_frame_length()
    {
        DecodeDriver driver = DecodeDriver.Run(new RawFrameDecoder(4), ["0123456789"u8.ToArray()]);

        Assert.Equal(["0123", "4567", "89"], driver.Frames.Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void Hands_out_bytes_spread_over_three_segments_as_one_frame()
    {
        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks("ab"u8.ToArray(), "cd"u8.ToArray(), "ef"u8.ToArray());

        Assert.Equal(DecodeStatus.Frame, new RawFrameDecoder(100).Decode(ref buffer, out var frame, out _));

        Assert.Equal("abcdef", Encoding.ASCII.GetString(frame.ToArray()));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Needs_more_data_when_the_buffer_is_empty()
    {
        ReadOnlySequence<byte> buffer = ReadOnlySequence<byte>.Empty;

        Assert.Equal(DecodeStatus.NeedMoreData, new RawFrameDecoder(10).Decode(ref buffer, out _, out var error));
        Assert.Equal(FrameError.None, error);
    }

    [Fact]
    public void Resynchronises_without_skipping_anything()
    {
        var decoder = new RawFrameDecoder(10);

        Assert.True(decoder.TryResynchronise(7));
        DecodeDriver driver = DecodeDriver.Run(decoder, ["abc"u8.ToArray()]);

        DecodeEvent only = Assert.Single(driver.Events);
        Assert.Equal(DecodeStatus.Frame, only.Status);
        Assert.Equal("abc", Encoding.ASCII.GetString(only.Bytes));
    }

    [Fact]
    public void Encoder_copies_the_payload_as_is()
    {
        var encoder = new RawFrameDecoder(4);
        var destination = new byte[encoder.GetEncodedLength(6)];

        Assert.Equal(6, encoder.Encode("abcdef"u8, destination));
        Assert.Equal("abcdef", Encoding.ASCII.GetString(destination));
    }

    [Fact]
    public void Constructor_rejects_a_non_positive_max_frame_length()
    {
        Assert.Equal("maxFrameLength", Assert.Throws<ArgumentOutOfRangeException>(() => new RawFrameDecoder(0)).ParamName);
    }

    [Fact]
    public void Decodes_frames_without_allocating()
    {
        var decoder = new RawFrameDecoder(100);
        byte[] stream = new byte[100 * 10_000];

        Assert.Equal(10_000, AllocationProbe.DecodeAll(decoder, stream, out long allocated));
        Assert.Equal(0, allocated);
    }

    private static void AssertYieldsEveryByte(RawStream s, byte[][] reads)
    {
        foreach (BufferLayout layout in Enum.GetValues<BufferLayout>())
        {
            DecodeDriver driver = DecodeDriver.Run(new RawFrameDecoder(s.MaxFrameLength), reads, layout);

            Assert.All(driver.Events, e => Assert.Equal(DecodeStatus.Frame, e.Status));
            Assert.All(driver.Events, e => Assert.InRange(e.Bytes.Length, 1, s.MaxFrameLength));
            Assert.Equal(Convert.ToHexString(s.Bytes), Convert.ToHexString(driver.Frames.SelectMany(f => f).ToArray()));
            Assert.Equal(0, driver.PendingLength);
        }
    }

    private static Gen<RawStream> Streams() =>
        from max in Gen.Choose(1, 20)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
        from cuts in FramedStream.CutFractions
        select new RawStream(max, bytes, cuts);
}
