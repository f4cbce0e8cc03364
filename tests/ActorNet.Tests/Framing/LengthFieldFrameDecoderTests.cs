using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using ActorNet.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Framing;

public sealed class LengthFieldFrameDecoderTests
{
    private const int PropertyMaxPayload = 40;

    private static readonly byte[] Hello = "HELLO, WORLD"u8.ToArray();

    public sealed record Settings(int Offset, int FieldLength, bool BigEndian, long Adjustment, int Strip, int MaxFrameLength)
    {
        public LengthFieldFrameDecoder Create() => new(Offset, FieldLength, BigEndian, Adjustment, Strip, MaxFrameLength);

        public int HeaderLength => Offset + FieldLength;
    }

    public sealed record LengthFieldStream(Settings Settings, byte[][] Payloads, int[] CutFractions)
    {
        public override string ToString() =>
            $"{Settings}, payloads {FramedStream.Describe(Payloads)}, cuts {string.Join(",", CutFractions)}";
    }

    public sealed record RawInput(Settings Settings, byte[] Bytes, int[] CutFractions)
    {
        public override string ToString() => $"{Settings}, bytes {Convert.ToHexString(Bytes)}, cuts {string.Join(",", CutFractions)}";
    }

    [Property]
    public Property Any_split_of_a_stream_into_reads_yields_exactly_the_encoded_frames() =>
        Prop.ForAll(ValidStreams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(s.Settings.Create, FramedStream.Reads(EncodeAll(s), s.CutFractions), s.Payloads));

    [Property]
    public Property One_byte_reads_yield_exactly_the_encoded_frames() =>
        Prop.ForAll(ValidStreams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(s.Settings.Create, FramedStream.OneByteReads(EncodeAll(s)), s.Payloads));

    [Property]
    public Property One_read_of_the_whole_stream_yields_exactly_the_encoded_frames() =>
        Prop.ForAll(ValidStreams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(s.Settings.Create, [EncodeAll(s)], s.Payloads));

    [Property]
    public Property Any_bytes_in_any_reads_agree_with_a_reference_reading_of_the_length_fields() =>
        Prop.ForAll(RawInputs().ToArbitrary(), input =>
        {
            string[] expected = Reference(input.Settings, input.Bytes, out int consumed);
            foreach (BufferLayout layout in Enum.GetValues<BufferLayout>())
            {
                DecodeDriver driver = DecodeDriver.Run(input.Settings.Create(), FramedStream.Reads(input.Bytes, input.CutFractions), layout);
                Assert.Equal(expected, driver.Events.Select(Describe).ToArray());
                Assert.Equal(consumed, driver.Consumed);
            }
        });

    // The seven examples of Netty's LengthFieldBasedFrameDecoder javadoc, in its order.

    [Fact]
    public void Hands_out_the_whole_frame_when_nothing_is_stripped()
    {
        byte[] frame = [.. Hex("000C"), .. Hello];

        Assert.Equal(frame, DecodeOne(new LengthFieldFrameDecoder(0, 2, true, 0, 0, 100), frame));
    }

    [Fact]
    public void Strips_the_length_field()
    {
        Assert.Equal(Hello, DecodeOne(new LengthFieldFrameDecoder(0, 2, true, 0, 2, 100), [.. Hex("000C"), .. Hello]));
    }

    [Fact]
    public void Counts_the_length_field_itself_with_a_negative_adjustment()
    {
        byte[] frame = [.. Hex("000E"), .. Hello];

        Assert.Equal(frame, DecodeOne(new LengthFieldFrameDecoder(0, 2, true, -2, 0, 100), frame));
    }

    [Fact]
    public void Finds_the_length_field_after_a_leading_header()
    {
        byte[] frame = [.. Hex("CAFE00000C"), .. Hello];

        Assert.Equal(frame, DecodeOne(new LengthFieldFrameDecoder(2, 3, true, 0, 0, 100), frame));
    }

    [Fact]
    public void Covers_a_header_after_the_length_field_with_a_positive_adjustment()
    {
        byte[] frame = [.. Hex("00000CCAFE"), .. Hello];

        Assert.Equal(frame, DecodeOne(new LengthFieldFrameDecoder(0, 3, true, 2, 0, 100), frame));
    }

    [Fact]
    public void Strips_the_header_up_to_the_end_of_the_length_field_and_one_byte_more()
    {
        byte[] frame = [.. Hex("CA000CFE"), .. Hello];

        Assert.Equal([.. Hex("FE"), .. Hello], DecodeOne(new LengthFieldFrameDecoder(1, 2, true, 1, 3, 100), frame));
    }

    [Fact]
    public void Strips_part_of_the_header_when_the_length_counts_the_whole_frame()
    {
        byte[] frame = [.. Hex("CA0010FE"), .. Hello];

        Assert.Equal([.. Hex("FE"), .. Hello], DecodeOne(new LengthFieldFrameDecoder(1, 2, true, -3, 3, 100), frame));
    }

    [Theory]
    [InlineData(1, true, "C8")]
    [InlineData(1, false, "C8")]
    [InlineData(2, true, "00C8")]
    [InlineData(2, false, "C800")]
    [InlineData(3, true, "0000C8")]
    [InlineData(3, false, "C80000")]
    [InlineData(4, true, "000000C8")]
    [InlineData(4, false, "C8000000")]
    [InlineData(8, true, "00000000000000C8")]
    [InlineData(8, false, "C800000000000000")]
    public void Reads_a_length_field_of_each_width_in_either_byte_order(int fieldLength, bool bigEndian, string header)
    {
        // 200 = 0xC8 has its top bit set: a signed reading of a 1-byte field would see -56.
        byte[] payload = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        var decoder = new LengthFieldFrameDecoder(0, fieldLength, bigEndian, 0, fieldLength, 1000);

        Assert.Equal(payload, DecodeOne(decoder, [.. Hex(header), .. payload]));
        Assert.Equal([.. Hex(header), .. payload], Encode(decoder, payload));
    }

    [Theory]
    [InlineData(2, true, "0102", 0x0102)]
    [InlineData(2, false, "0201", 0x0102)]
    [InlineData(3, true, "010203", 0x010203)]
    [InlineData(3, false, "030201", 0x010203)]
    [InlineData(4, true, "01020304", 0x01020304)]
    [InlineData(4, false, "04030201", 0x01020304)]
    [InlineData(8, true, "0000000001020304", 0x01020304)]
    [InlineData(8, false, "0403020100000000", 0x01020304)]
    public void Puts_the_bytes_of_a_length_field_in_the_configured_order(int fieldLength, bool bigEndian, string header, long value)
    {
        // The value is far over the limit, so the decoder reports exactly what it read, without needing the body.
        var decoder = new LengthFieldFrameDecoder(0, fieldLength, bigEndian, 0, 0, 100);

        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, value + fieldLength, 100), DecodeFatal(decoder, Hex(header)).Error);
    }

    [Theory]
    [InlineData(4, "FFFFFFFF", 4_294_967_295L + 4)]
    [InlineData(3, "FFFFFF", 16_777_215L + 3)]
    [InlineData(2, "FFFF", 65_535L + 2)]
    public void Reads_fields_of_up_to_four_bytes_as_unsigned(int fieldLength, string header, long frameLength)
    {
        var decoder = new LengthFieldFrameDecoder(0, fieldLength, true, 0, 0, 100);

        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, frameLength, 100), DecodeFatal(decoder, Hex(header)).Error);
    }

    [Fact]
    public void Reads_an_eight_byte_field_as_signed_and_rejects_a_negative_one_as_fatal()
    {
        var decoder = new LengthFieldFrameDecoder(0, 8, true, 0, 0, 100);

        Assert.Equal(new FrameError(FrameErrorKind.NegativeLength, -1, 0), DecodeFatal(decoder, Hex("FFFFFFFFFFFFFFFF")).Error);
    }

    [Fact]
    public void Rejects_as_fatal_an_adjustment_that_makes_the_length_negative()
    {
        var decoder = new LengthFieldFrameDecoder(0, 4, true, -100, 0, 1000);

        Assert.Equal(new FrameError(FrameErrorKind.NegativeLength, 10 - 100 + 4, 0), DecodeFatal(decoder, Hex("0000000A")).Error);
    }

    [Fact]
    public void Rejects_as_fatal_a_length_shorter_than_the_header()
    {
        var decoder = new LengthFieldFrameDecoder(1, 2, true, -10, 0, 1000);

        Assert.Equal(new FrameError(FrameErrorKind.LengthShorterThanHeader, 2, 3), DecodeFatal(decoder, Hex("AA0009")).Error);
    }

    [Fact]
    public void Rejects_as_fatal_a_frame_shorter_than_the_bytes_to_strip()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 5, 1000);

        Assert.Equal(new FrameError(FrameErrorKind.LengthShorterThanHeader, 3, 5), DecodeFatal(decoder, Hex("0001")).Error);
    }

    [Fact]
    public void Accepts_a_frame_of_exactly_max_frame_length_header_included()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 2, 10);
        byte[] payload = Hex("0102030405060708");

        Assert.Equal(payload, DecodeOne(decoder, [.. Hex("0008"), .. payload]));
    }

    [Fact]
    public void Rejects_as_fatal_a_frame_of_max_frame_length_plus_one()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 2, 10);

        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, 11, 10), DecodeFatal(decoder, Hex("0009")).Error);
    }

    [Fact]
    public void Reports_a_huge_length_without_overflowing()
    {
        var decoder = new LengthFieldFrameDecoder(0, 8, true, long.MaxValue, 0, 100);

        Assert.Equal(
            new FrameError(FrameErrorKind.FrameTooLong, long.MaxValue, 100),
            DecodeFatal(decoder, Hex("7FFFFFFFFFFFFFFF")).Error);
    }

    [Fact]
    public void A_fatal_length_consumes_nothing_hands_out_the_header_and_stays_fatal()
    {
        var decoder = new LengthFieldFrameDecoder(1, 2, true, 0, 0, 10);
        ReadOnlySequence<byte> buffer = new(Hex("AA00FF0102"));

        for (int attempt = 0; attempt < 2; attempt++)
        {
            Assert.Equal(DecodeStatus.Fatal, decoder.Decode(ref buffer, out var header, out var error));
            Assert.Equal(5, buffer.Length);
            Assert.Equal(Hex("AA00FF"), header.ToArray());
            Assert.Equal(FrameErrorKind.FrameTooLong, error.Kind);
        }
    }

    [Fact]
    public void Keeps_the_frames_before_a_fatal_length()
    {
        var decoder = new LengthFieldFrameDecoder(0, 1, true, 0, 1, 10);

        DecodeDriver driver = DecodeDriver.Run(decoder, [Hex("0241420143"), Hex("3F")]);

        Assert.Equal([DecodeStatus.Frame, DecodeStatus.Frame, DecodeStatus.Fatal], driver.Events.Select(e => e.Status));
        Assert.Equal(["AB", "C"], driver.Frames.Select(Encoding.ASCII.GetString));
        Assert.Equal(1, driver.PendingLength);
    }

    [Fact]
    public void Splits_a_frame_that_arrives_in_three_reads()
    {
        var driver = new DecodeDriver(new LengthFieldFrameDecoder(0, 2, true, 0, 2, 100));
        driver.Receive(Hex("00"));
        driver.Receive([.. Hex("05"), .. "he"u8]);
        Assert.Empty(driver.Events);
        driver.Receive([.. "llo"u8, .. Hex("00")]);

        Assert.Equal(["hello"], driver.Frames.Select(Encoding.ASCII.GetString));
        Assert.Equal(1, driver.PendingLength);
    }

    [Fact]
    public void Reads_a_length_field_split_across_three_segments()
    {
        var decoder = new LengthFieldFrameDecoder(1, 4, false, 0, 5, 100);
        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks(Hex("FF03"), Hex("00"), [], Hex("00"), [.. Hex("00"), .. "abcX"u8]);

        Assert.Equal(DecodeStatus.Frame, decoder.Decode(ref buffer, out var frame, out _));

        Assert.Equal("abc", Encoding.ASCII.GetString(frame.ToArray()));
        Assert.Equal("X", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Decodes_a_payload_that_spans_three_segments()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 2, 100);
        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks([.. Hex("0007"), .. "ab"u8], "cd"u8.ToArray(), "ef"u8.ToArray(), "g"u8.ToArray());

        Assert.Equal(DecodeStatus.Frame, decoder.Decode(ref buffer, out var frame, out _));

        Assert.Equal("abcdefg", Encoding.ASCII.GetString(frame.ToArray()));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Leaves_an_incomplete_frame_to_the_caller_instead_of_reporting_it_truncated()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 2, 100);
        ReadOnlySequence<byte> buffer = new([.. Hex("0010"), .. "short"u8]);

        Assert.Equal(DecodeStatus.NeedMoreData, decoder.Decode(ref buffer, out _, out var error));
        Assert.Equal(7, buffer.Length);
        Assert.Equal(FrameError.None, error);
    }

    [Fact]
    public void Cannot_resynchronise()
    {
        Assert.False(new LengthFieldFrameDecoder(0, 2, true, 0, 2, 100).TryResynchronise(3));
    }

    [Fact]
    public void Encoder_writes_zeros_before_the_length_field_and_for_stripped_bytes_after_it()
    {
        var decoder = new LengthFieldFrameDecoder(2, 2, true, 1, 5, 100);

        byte[] encoded = Encode(decoder, "hi"u8.ToArray());

        Assert.Equal([.. Hex("0000" + "0002" + "00"), .. "hi"u8], encoded);
        Assert.Equal("hi"u8.ToArray(), DecodeOne(decoder, encoded));
    }

    [Fact]
    public void Encoder_rejects_a_payload_whose_length_does_not_fit_the_field()
    {
        var decoder = new LengthFieldFrameDecoder(0, 1, true, 0, 1, 1000);

        Assert.Equal(256, decoder.GetEncodedLength(255));
        Assert.Throws<ArgumentException>(() => decoder.GetEncodedLength(256));
        Assert.Throws<ArgumentException>(() => decoder.Encode(new byte[256], new byte[300]));
    }

    [Fact]
    public void Encoder_rejects_a_payload_that_needs_a_negative_length_field()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 10, 2, 1000);

        Assert.Throws<ArgumentException>(() => decoder.GetEncodedLength(9));
        Assert.Equal(12, decoder.GetEncodedLength(10));
    }

    [Fact]
    public void Encoder_rejects_a_payload_that_makes_the_frame_longer_than_max_frame_length()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 2, 10);

        Assert.Equal(10, decoder.GetEncodedLength(8));
        Assert.Throws<ArgumentException>(() => decoder.GetEncodedLength(9));
    }

    [Fact]
    public void Encoder_refuses_framing_that_keeps_header_bytes_in_the_payload()
    {
        var decoder = new LengthFieldFrameDecoder(0, 2, true, 0, 0, 100);

        Assert.False(decoder.CanEncode);
        Assert.Contains("cannot encode", Assert.Throws<InvalidOperationException>(() => decoder.GetEncodedLength(1)).Message);
        Assert.Throws<InvalidOperationException>(() => decoder.Encode("a"u8, new byte[10]));
    }

    [Theory]
    [InlineData("lengthFieldOffset", -1, 2, 0, 100)]
    [InlineData("lengthFieldLength", 0, 0, 0, 100)]
    [InlineData("lengthFieldLength", 0, 5, 0, 100)]
    [InlineData("initialBytesToStrip", 0, 2, -1, 100)]
    [InlineData("initialBytesToStrip", 0, 2, 101, 100)]
    [InlineData("maxFrameLength", 0, 2, 0, 0)]
    [InlineData("maxFrameLength", 3, 4, 0, 6)]
    public void Constructor_names_the_parameter_it_rejects(string parameter, int offset, int fieldLength, int strip, int max)
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => new LengthFieldFrameDecoder(offset, fieldLength, true, 0, strip, max));

        Assert.Equal(parameter, thrown.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public void Decodes_frames_without_allocating(int fieldLength)
    {
        var decoder = new LengthFieldFrameDecoder(0, fieldLength, true, 0, fieldLength, 128);
        byte[] stream = FramedStream.Encode(decoder, Enumerable.Repeat(new byte[100 - fieldLength], 10_000));

        Assert.Equal(10_000, AllocationProbe.DecodeAll(decoder, stream, out long allocated));
        Assert.Equal(0, allocated);
    }

    private static Gen<LengthFieldStream> ValidStreams() =>
        from fieldLength in Gen.Elements(1, 2, 3, 4, 8)
        from bigEndian in Gen.Elements(true, false)
        from offset in Gen.Choose(0, 3)
        from extraStrip in Gen.Choose(0, 2)
        from adjustment in Gen.Choose(-(offset + fieldLength + extraStrip), extraStrip)
        let strip = offset + fieldLength + extraStrip
        from payloads in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(p => p.Length > PropertyMaxPayload ? p[..PropertyMaxPayload] : p))
        from cuts in FramedStream.CutFractions
        select new LengthFieldStream(new Settings(offset, fieldLength, bigEndian, adjustment, strip, strip + PropertyMaxPayload), payloads, cuts);

    // Mostly well-formed frames, so that runs of good frames end in every kind of bad length; bodies of a random
    // size now and then throw the following headers out of line.
    private static Gen<RawInput> RawInputs() =>
        from fieldLength in Gen.Elements(1, 2, 3, 4, 8)
        from bigEndian in Gen.Elements(true, false)
        from offset in Gen.Choose(0, 2)
        from adjustment in Gen.Choose(-6, 6)
        from strip in Gen.Choose(0, 8)
        from max in Gen.Choose(Math.Max(strip, offset + fieldLength), 40)
        let settings = new Settings(offset, fieldLength, bigEndian, adjustment, strip, max)
        from pieces in Gen.ArrayOf(Piece(settings))
        from cuts in FramedStream.CutFractions
        select new RawInput(settings, pieces.SelectMany(p => p).ToArray(), cuts);

    private static Gen<byte[]> Piece(Settings settings) =>
        from prefix in Gen.ArrayOf(Bytes, settings.Offset)
        from frameLength in Gen.Frequency(
            (12, Gen.Choose(Math.Max(settings.HeaderLength, settings.Strip), settings.MaxFrameLength)),
            (1, Gen.Choose(settings.MaxFrameLength + 1, settings.MaxFrameLength + 300)),
            (1, Gen.Choose(-3, settings.HeaderLength)),
            (1, Gen.Choose(Math.Min(settings.HeaderLength, settings.Strip), settings.Strip)))
        from bodyLength in Gen.Frequency(
            (6, Gen.Constant(Math.Clamp(frameLength - settings.HeaderLength, 0, 40))),
            (1, Gen.Choose(0, 10)))
        from body in Gen.ArrayOf(Bytes, bodyLength)
        select (byte[])[.. prefix, .. Field(settings, frameLength - settings.Adjustment - settings.HeaderLength), .. body];

    private static Gen<byte> Bytes { get; } = Gen.Choose(0, 255).Select(b => (byte)b);

    // Two's complement cut to the field's width: a negative value becomes a huge one in an unsigned field.
    private static byte[] Field(Settings settings, long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        bytes = bytes[..settings.FieldLength];
        if (settings.BigEndian)
        {
            Array.Reverse(bytes);
        }

        return bytes;
    }

    /// <summary>What the decoder should report, read the slow and obvious way with arbitrary-precision numbers.</summary>
    private static string[] Reference(Settings settings, byte[] bytes, out int consumed)
    {
        var events = new List<string>();
        consumed = 0;
        while (bytes.Length - consumed >= settings.HeaderLength)
        {
            byte[] field = bytes.AsSpan(consumed + settings.Offset, settings.FieldLength).ToArray();
            var value = new BigInteger(field, isUnsigned: settings.FieldLength < 8, isBigEndian: settings.BigEndian);
            BigInteger frameLength = value + settings.Adjustment + settings.HeaderLength;
            string header = Convert.ToHexString(bytes, consumed, settings.HeaderLength);
            string? fatal =
                value < 0 ? $"Fatal {header} {FrameErrorKind.NegativeLength} {value}"
                : frameLength < 0 ? $"Fatal {header} {FrameErrorKind.NegativeLength} {frameLength}"
                : frameLength < settings.HeaderLength ? $"Fatal {header} {FrameErrorKind.LengthShorterThanHeader} {frameLength}/{settings.HeaderLength}"
                : frameLength > settings.MaxFrameLength ? $"Fatal {header} {FrameErrorKind.FrameTooLong} {BigInteger.Min(frameLength, long.MaxValue)}/{settings.MaxFrameLength}"
                : settings.Strip > frameLength ? $"Fatal {header} {FrameErrorKind.LengthShorterThanHeader} {frameLength}/{settings.Strip}"
                : null;
            if (fatal is not null)
            {
                events.Add(fatal);
                break;
            }

            int length = (int)frameLength;
            if (bytes.Length - consumed < length)
            {
                break;
            }

            events.Add("Frame " + Convert.ToHexString(bytes, consumed + settings.Strip, length - settings.Strip));
            consumed += length;
        }

        return [.. events];
    }

    private static string Describe(DecodeEvent e) => e.Status switch
    {
        DecodeStatus.Frame => "Frame " + Convert.ToHexString(e.Bytes),
        DecodeStatus.Fatal => $"Fatal {Convert.ToHexString(e.Bytes)} {e.Error.Kind} {e.Error.Length}" +
            (e.Error.Kind == FrameErrorKind.NegativeLength ? "" : $"/{e.Error.Limit}"),
        _ => e.ToString(),
    };

    private static byte[] EncodeAll(LengthFieldStream s) => FramedStream.Encode(s.Settings.Create(), s.Payloads);

    private static byte[] Encode(IFrameEncoder encoder, byte[] payload) => FramedStream.Encode(encoder, [payload]);

    private static byte[] DecodeOne(IFrameDecoder decoder, byte[] stream)
    {
        DecodeDriver driver = DecodeDriver.Run(decoder, [stream]);
        DecodeEvent only = Assert.Single(driver.Events);
        Assert.Equal(DecodeStatus.Frame, only.Status);
        Assert.Equal(0, driver.PendingLength);
        return only.Bytes;
    }

    private static DecodeEvent DecodeFatal(IFrameDecoder decoder, byte[] header)
    {
        DecodeDriver driver = DecodeDriver.Run(decoder, [header]);
        DecodeEvent only = Assert.Single(driver.Events);
        Assert.Equal(DecodeStatus.Fatal, only.Status);
        Assert.Equal(header, only.Bytes);
        Assert.Equal(header.Length, driver.PendingLength);
        return only;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
