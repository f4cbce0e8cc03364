using System.Buffers;
using System.Text;
using ActorNet.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Framing;

public sealed class FixedLengthFrameDecoderTests
{
    public sealed record FixedStream(int FrameLength, byte[][] Payloads, int[] CutFractions)
    {
        public override string ToString() =>
            $"frame length {FrameLength}, payloads {FramedStream.Describe(Payloads)}, cuts {string.Join(",", CutFractions)}";
    }

    [Property]
    public Property Any_split_of_a_stream_into_reads_yields_exactly_the_encoded_frames() =>
        Prop.ForAll(Streams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => new FixedLengthFrameDecoder(s.FrameLength), FramedStream.Reads(EncodeAll(s), s.CutFractions), s.Payloads));

    [Property]
    public Property One_byte_reads_yield_exactly_the_encoded_frames() =>
        Prop.ForAll(Streams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => new FixedLengthFrameDecoder(s.FrameLength), FramedStream.OneByteReads(EncodeAll(s)), s.Payloads));

    [Property]
    public Property One_read_of_the_whole_stream_yields_exactly_the_encoded_frames() =>
        Prop.ForAll(Streams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => new FixedLengthFrameDecoder(s.FrameLength), [EncodeAll(s)], s.Payloads));

    [Property]
    public Property Resynchronising_skips_to_the_next_frame_boundary_however_the_rest_arrives() =>
        Prop.ForAll(
            Streams().ToArbitrary(),
            Gen.Choose(1, 100).ToArbitrary(),
            (s, lostBytes) =>
            {
                byte[] stream = EncodeAll(s);
                int skip = (s.FrameLength - lostBytes % s.FrameLength) % s.FrameLength;
                var decoder = new FixedLengthFrameDecoder(s.FrameLength);
                Assert.True(decoder.TryResynchronise(lostBytes));

                // The rest of the frame the lost bytes began, then the intact frames.
                byte[] rest = Enumerable.Repeat((byte)'r', skip).ToArray();
                DecodeDriver driver = DecodeDriver.Run(decoder, FramedStream.Reads([.. rest, .. stream], s.CutFractions));

                DecodeEvent[] skipped = driver.Events.Where(e => e.Status != DecodeStatus.Frame).ToArray();
                if (skip == 0)
                {
                    Assert.Empty(skipped);
                }
                else
                {
                    Assert.All(skipped[..^1], e => Assert.Equal(DecodeStatus.Discarding, e.Status));
                    Assert.Equal(DecodeStatus.Rejected, skipped[^1].Status);
                    Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, skip, lostBytes), skipped[^1].Error);
                    Assert.Equal(skip, skipped.Sum(e => e.Bytes.Length));
                }

                Assert.Equal(s.Payloads.Select(Convert.ToHexString), driver.Frames.Select(Convert.ToHexString));
            });

    [Fact]
    public void Splits_a_frame_that_arrives_in_three_reads()
    {
        var driver = new DecodeDriver(new FixedLengthFrameDecoder(5));
        driver.Receive("ab"u8.ToArray());
        driver.Receive("c"u8.ToArray());
        Assert.Empty(driver.Events);
        driver.Receive("de12"u8.ToArray());

        Assert.Equal(["abcde"], driver.Frames.Select(Encoding.ASCII.GetString));
        Assert.Equal(2, driver.PendingLength);
    }

    [Fact]
    public void Decodes_a_frame_that_spans_three_segments()
    {
        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks("ab"u8.ToArray(), "cd"u8.ToArray(), [], "efg"u8.ToArray());

        Assert.Equal(DecodeStatus.Frame, new FixedLengthFrameDecoder(6).Decode(ref buffer, out var frame, out _));

        Assert.Equal("abcdef", Encoding.ASCII.GetString(frame.ToArray()));
        Assert.Equal("g", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Leaves_an_incomplete_frame_to_the_caller_instead_of_reporting_it_truncated()
    {
        ReadOnlySequence<byte> buffer = new("abc"u8.ToArray());

        Assert.Equal(DecodeStatus.NeedMoreData, new FixedLengthFrameDecoder(4).Decode(ref buffer, out _, out var error));

        Assert.Equal(3, buffer.Length);
        Assert.Equal(FrameError.None, error);
    }

    [Fact]
    public void Limits_frames_to_the_frame_length()
    {
        Assert.Equal(12, new FixedLengthFrameDecoder(12).MaxFrameLength);
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(23, 7)]
    [InlineData(9, 1)]
    public void Resynchronises_by_skipping_the_rest_of_the_lost_frame(int lostBytes, int skipped)
    {
        var decoder = new FixedLengthFrameDecoder(10);
        Assert.True(decoder.TryResynchronise(lostBytes));
        byte[] rest = Enumerable.Repeat((byte)'r', skipped).ToArray();

        DecodeDriver driver = DecodeDriver.Run(decoder, [[.. rest, .. "0123456789"u8]]);

        Assert.Equal([DecodeStatus.Rejected, DecodeStatus.Frame], driver.Events.Select(e => e.Status));
        Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, skipped, lostBytes), driver.Events[0].Error);
        Assert.Equal(rest, driver.Events[0].Bytes);
        Assert.Equal(["0123456789"], driver.Frames.Select(Encoding.ASCII.GetString));
    }

    [Fact]
    public void Resynchronisation_reports_skipped_bytes_spread_over_many_reads()
    {
        var decoder = new FixedLengthFrameDecoder(10);
        decoder.TryResynchronise(2);
        byte[] stream = [.. "rrrrrrrr"u8, .. "0123456789"u8];

        DecodeDriver driver = DecodeDriver.Run(decoder, FramedStream.OneByteReads(stream));

        Assert.Equal(Enumerable.Repeat(DecodeStatus.Discarding, 7).Append(DecodeStatus.Rejected).Append(DecodeStatus.Frame), driver.Events.Select(e => e.Status));
        Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, 8, 2), driver.Events[7].Error);
    }

    [Fact]
    public void Resynchronisation_after_whole_frames_were_lost_skips_and_reports_nothing()
    {
        var decoder = new FixedLengthFrameDecoder(4);
        Assert.True(decoder.TryResynchronise(8));

        DecodeDriver driver = DecodeDriver.Run(decoder, ["abcd"u8.ToArray()]);

        Assert.Equal(["abcd"], driver.Events.Select(e => Encoding.ASCII.GetString(e.Bytes)));
        Assert.Equal(DecodeStatus.Frame, driver.Events[0].Status);
    }

    [Fact]
    public void Encoder_copies_a_payload_of_exactly_the_frame_length()
    {
        var encoder = new FixedLengthFrameDecoder(4);
        var destination = new byte[encoder.GetEncodedLength(4)];

        Assert.Equal(4, encoder.Encode("abcd"u8, destination));
        Assert.Equal("abcd", Encoding.ASCII.GetString(destination));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Encoder_rejects_a_payload_of_any_other_length(int length)
    {
        var encoder = new FixedLengthFrameDecoder(4);

        Assert.Throws<ArgumentException>(() => encoder.GetEncodedLength(length));
        Assert.Throws<ArgumentException>(() => encoder.Encode(new byte[length], new byte[10]));
    }

    [Fact]
    public void Constructor_rejects_a_non_positive_frame_length()
    {
        Assert.Equal("frameLength", Assert.Throws<ArgumentOutOfRangeException>(() => new FixedLengthFrameDecoder(0)).ParamName);
    }

    [Fact]
    public void Decodes_frames_without_allocating()
    {
        var decoder = new FixedLengthFrameDecoder(100);
        byte[] stream = new byte[100 * 10_000];

        Assert.Equal(10_000, AllocationProbe.DecodeAll(decoder, stream, out long allocated));
        Assert.Equal(0, allocated);
    }

    private static Gen<FixedStream> Streams() =>
        from frameLength in Gen.Choose(1, 12)
        from payloads in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), frameLength))
        from cuts in FramedStream.CutFractions
        select new FixedStream(frameLength, payloads, cuts);

    private static byte[] EncodeAll(FixedStream s) => FramedStream.Encode(new FixedLengthFrameDecoder(s.FrameLength), s.Payloads);
}
