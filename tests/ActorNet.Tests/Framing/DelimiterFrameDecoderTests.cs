using System.Buffers;
using System.Text;
using ActorNet.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Framing;

public sealed class DelimiterFrameDecoderTests
{
    private const int PropertyMaxFrameLength = 40;

    private static readonly byte[][] Delimiters = ["\n"u8.ToArray(), "\r\n"u8.ToArray(), [0], "END"u8.ToArray()];

    public sealed record DelimitedStream(byte[] Delimiter, byte[][] Payloads, int[] CutFractions)
    {
        public override string ToString() =>
            $"delimiter {Convert.ToHexString(Delimiter)}, payloads {FramedStream.Describe(Payloads)}, cuts {string.Join(",", CutFractions)}";
    }

    public sealed record RawInput(byte[] Delimiter, int MaxFrameLength, byte[] Bytes, int[] CutFractions)
    {
        public override string ToString() =>
            $"delimiter {Convert.ToHexString(Delimiter)}, max {MaxFrameLength}, bytes {Convert.ToHexString(Bytes)}, cuts {string.Join(",", CutFractions)}";
    }

    [Property]
    public Property Any_split_of_a_stream_into_reads_yields_exactly_the_encoded_frames() =>
        Prop.ForAll(ValidStreams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => Decoder(s.Delimiter), FramedStream.Reads(EncodeAll(s), s.CutFractions), s.Payloads));

    [Property]
    public Property One_byte_reads_yield_exactly_the_encoded_frames() =>
        Prop.ForAll(ValidStreams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => Decoder(s.Delimiter), FramedStream.OneByteReads(EncodeAll(s)), s.Payloads));

    [Property]
    public Property One_read_of_the_whole_stream_yields_exactly_the_encoded_frames() =>
        Prop.ForAll(ValidStreams().ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => Decoder(s.Delimiter), [EncodeAll(s)], s.Payloads));

    [Property]
    public Property Any_bytes_in_any_reads_agree_with_splitting_at_each_delimiter() =>
        Prop.ForAll(RawInputs().ToArbitrary(), input =>
        {
            foreach (BufferLayout layout in Enum.GetValues<BufferLayout>())
            {
                AssertAgreesWithSplitting(input, layout);
            }
        });

    [Fact]
    public void Splits_a_frame_that_arrives_in_three_reads()
    {
        var driver = new DecodeDriver(Decoder("\n"u8.ToArray()));
        driver.Receive(Ascii("hel"));
        driver.Receive(Ascii("lo wo"));
        Assert.Empty(driver.Events);
        driver.Receive(Ascii("rld\nnext"));

        Assert.Equal(["hello world"], FramesAsText(driver));
        Assert.Equal(4, driver.PendingLength);
    }

    [Fact]
    public void Decodes_a_frame_that_spans_three_segments()
    {
        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks(Ascii("ab"), Ascii("cd"), Ascii("ef"), Ascii("g\r\nh"));

        Assert.Equal(DecodeStatus.Frame, Decoder("\r\n"u8.ToArray()).Decode(ref buffer, out var frame, out _));

        Assert.Equal("abcdefg", Encoding.ASCII.GetString(frame.ToArray()));
        Assert.Equal("h", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Theory]
    [InlineData("\r\n", "abc\r", "\ndef\r\n")]
    [InlineData("END", "abcE", "N", "Ddef", "END")]
    [InlineData("END", "abcEN", "Ddef", "", "END")]
    public void Finds_a_delimiter_split_across_segments(string delimiter, params string[] chunks)
    {
        ReadOnlySequence<byte> buffer = SequenceSplitter.FromChunks(chunks.Select(Ascii).ToArray());
        var decoder = Decoder(Ascii(delimiter));

        Assert.Equal(DecodeStatus.Frame, decoder.Decode(ref buffer, out var first, out _));
        Assert.Equal(DecodeStatus.Frame, decoder.Decode(ref buffer, out var second, out _));

        Assert.Equal("abc", Encoding.ASCII.GetString(first.ToArray()));
        Assert.Equal("def", Encoding.ASCII.GetString(second.ToArray()));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Does_not_mistake_a_partial_delimiter_for_a_whole_one()
    {
        DecodeDriver driver = DecodeDriver.Run(Decoder(Ascii("END")), [Ascii("aEN"), Ascii("EN"), Ascii("ENDb"), Ascii("END")]);

        Assert.Equal(["aENEN", "b"], FramesAsText(driver));
    }

    [Fact]
    public void Yields_an_empty_frame_between_two_delimiters()
    {
        DecodeDriver driver = DecodeDriver.Run(Decoder("\n"u8.ToArray()), [Ascii("a\n\nb\n")]);

        Assert.Equal(["a", "", "b"], FramesAsText(driver));
    }

    [Fact]
    public void Waits_without_consuming_while_a_frame_has_no_delimiter_yet()
    {
        var decoder = Decoder("\r\n"u8.ToArray(), maxFrameLength: 10);
        ReadOnlySequence<byte> buffer = new(Ascii("0123456789\r"));

        Assert.Equal(DecodeStatus.NeedMoreData, decoder.Decode(ref buffer, out var frame, out var error));

        Assert.Equal(11, buffer.Length);
        Assert.True(frame.IsEmpty);
        Assert.Equal(FrameError.None, error);
    }

    [Fact]
    public void Leaves_an_incomplete_frame_to_the_caller_instead_of_reporting_it_truncated()
    {
        DecodeDriver driver = DecodeDriver.Run(Decoder("\n"u8.ToArray()), [Ascii("complete\nincompl")]);

        Assert.Equal(["complete"], FramesAsText(driver));
        Assert.Equal(7, driver.PendingLength);
    }

    [Fact]
    public void Accepts_a_payload_of_exactly_max_frame_length()
    {
        byte[] payload = Filled(16, (byte)'x');
        DecodeDriver driver = DecodeDriver.Run(Decoder("\r\n"u8.ToArray(), maxFrameLength: 16), [[.. payload, .. "\r\n"u8]]);

        DecodeEvent only = Assert.Single(driver.Events);
        Assert.Equal(DecodeStatus.Frame, only.Status);
        Assert.Equal(payload, only.Bytes);
    }

    [Fact]
    public void Rejects_a_payload_of_max_frame_length_plus_one_and_keeps_its_neighbours()
    {
        byte[] stream = [.. "before\n"u8, .. Filled(17, (byte)'x'), .. "\nafter\n"u8];

        DecodeDriver driver = DecodeDriver.Run(Decoder("\n"u8.ToArray(), maxFrameLength: 16), [stream]);

        Assert.Equal(
            [DecodeStatus.Frame, DecodeStatus.Rejected, DecodeStatus.Frame],
            driver.Events.Select(e => e.Status));
        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, 17, 16), driver.Events[1].Error);
        Assert.Equal(["before", "after"], FramesAsText(driver));
    }

    [Fact]
    public void Discards_an_oversize_frame_up_to_its_delimiter_and_keeps_the_frames_around_it()
    {
        var decoder = Decoder("\r\n"u8.ToArray(), maxFrameLength: 8);
        var driver = new DecodeDriver(decoder);

        driver.Receive(Ascii("ok\r\n0123456789"));
        driver.Receive(Ascii("abcdefghij\r"));
        driver.Receive(Ascii("\nfine\r\n"));

        Assert.Equal(
            [DecodeStatus.Frame, DecodeStatus.Discarding, DecodeStatus.Discarding, DecodeStatus.Rejected, DecodeStatus.Frame],
            driver.Events.Select(e => e.Status));
        Assert.Equal(["ok", "fine"], FramesAsText(driver));
        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, 20, 8), driver.Events[3].Error);
        Assert.Equal(
            "0123456789abcdefghij",
            string.Concat(driver.Events.Skip(1).Take(3).Select(e => Encoding.ASCII.GetString(e.Bytes))));
    }

    [Fact]
    public void Reports_the_total_length_of_an_oversize_frame_spread_over_many_reads()
    {
        byte[] oversize = Filled(1000, (byte)'x');
        byte[] stream = [.. "a\n"u8, .. oversize, .. "\nb\n"u8];

        DecodeDriver driver = DecodeDriver.Run(Decoder("\n"u8.ToArray(), maxFrameLength: 50), FramedStream.OneByteReads(stream));

        DecodeEvent rejected = Assert.Single(driver.Events, e => e.Status == DecodeStatus.Rejected);
        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, 1000, 50), rejected.Error);
        Assert.Equal(1000, driver.Events.Where(e => e.Status is DecodeStatus.Discarding or DecodeStatus.Rejected).Sum(e => e.Bytes.Length));
        Assert.Equal(["a", "b"], FramesAsText(driver));
    }

    [Fact]
    public void Keeps_what_may_be_the_start_of_the_delimiter_while_discarding()
    {
        var decoder = Decoder("END"u8.ToArray(), maxFrameLength: 4);
        ReadOnlySequence<byte> buffer = new(Ascii("0123456EN"));

        Assert.Equal(DecodeStatus.Discarding, decoder.Decode(ref buffer, out var discarded, out _));
        Assert.Equal("0123456", Encoding.ASCII.GetString(discarded.ToArray()));
        Assert.Equal("EN", Encoding.ASCII.GetString(buffer.ToArray()));

        Assert.Equal(DecodeStatus.NeedMoreData, decoder.Decode(ref buffer, out _, out _));
        Assert.Equal(2, buffer.Length);

        buffer = new ReadOnlySequence<byte>(Ascii("ENDok"));
        Assert.Equal(DecodeStatus.Rejected, decoder.Decode(ref buffer, out var last, out var error));
        Assert.True(last.IsEmpty);
        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, 7, 4), error);
        Assert.Equal("ok", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void Starts_discarding_once_max_frame_length_plus_the_delimiter_is_buffered_without_one()
    {
        ReadOnlySequence<byte> justShort = new(Ascii("0123\r"));
        ReadOnlySequence<byte> tooLong = new(Ascii("01234\r"));

        Assert.Equal(DecodeStatus.NeedMoreData, Decoder("\r\n"u8.ToArray(), maxFrameLength: 4).Decode(ref justShort, out _, out _));
        Assert.Equal(DecodeStatus.Discarding, Decoder("\r\n"u8.ToArray(), maxFrameLength: 4).Decode(ref tooLong, out var discarded, out _));
        Assert.Equal("01234", Encoding.ASCII.GetString(discarded.ToArray()));
    }

    [Fact]
    public void Resynchronises_by_skipping_to_the_next_delimiter()
    {
        var decoder = Decoder("\n"u8.ToArray());

        Assert.True(decoder.TryResynchronise(lostBytes: 5));
        DecodeDriver driver = DecodeDriver.Run(decoder, [Ascii("rest\nnext\n")]);

        Assert.Equal([DecodeStatus.Rejected, DecodeStatus.Frame], driver.Events.Select(e => e.Status));
        Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, 4, 5), driver.Events[0].Error);
        Assert.Equal(["next"], FramesAsText(driver));
    }

    [Fact]
    public void Resynchronisation_reports_skipped_bytes_spread_over_many_reads()
    {
        var decoder = Decoder("\r\n"u8.ToArray(), maxFrameLength: 8);
        decoder.TryResynchronise(lostBytes: 3);
        byte[] stream = [.. Filled(30, (byte)'r'), .. "\r\nnext\r\n"u8];

        DecodeDriver driver = DecodeDriver.Run(decoder, FramedStream.Reads(stream, [100_000, 200_000, 500_000, 790_000]));

        Assert.Contains(driver.Events, e => e.Status == DecodeStatus.Discarding);
        DecodeEvent rejected = Assert.Single(driver.Events, e => e.Status == DecodeStatus.Rejected);
        Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, 30, 3), rejected.Error);
        Assert.Equal(["next"], FramesAsText(driver));
    }

    [Fact]
    public void Resynchronisation_right_before_a_delimiter_reports_an_empty_skip()
    {
        var decoder = Decoder("\n"u8.ToArray());
        decoder.TryResynchronise(lostBytes: 9);

        DecodeDriver driver = DecodeDriver.Run(decoder, [Ascii("\nnext\n")]);

        Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, 0, 9), driver.Events[0].Error);
        Assert.Equal(["next"], FramesAsText(driver));
    }

    [Fact]
    public void Searches_the_whole_buffer_again_when_handed_a_shorter_one_than_before()
    {
        var decoder = Decoder("\n"u8.ToArray());
        ReadOnlySequence<byte> first = new(Ascii("abcdef"));
        ReadOnlySequence<byte> shorter = new(Ascii("a\n"));

        Assert.Equal(DecodeStatus.NeedMoreData, decoder.Decode(ref first, out _, out _));
        Assert.Equal(DecodeStatus.Frame, decoder.Decode(ref shorter, out var frame, out _));
        Assert.Equal("a", Encoding.ASCII.GetString(frame.ToArray()));
    }

    [Fact]
    public void Encoder_appends_the_delimiter()
    {
        var encoder = Decoder("\r\n"u8.ToArray());
        var destination = new byte[encoder.GetEncodedLength(5)];

        Assert.Equal(7, encoder.Encode("hello"u8, destination));
        Assert.Equal("hello\r\n", Encoding.ASCII.GetString(destination));
    }

    [Fact]
    public void Encoder_rejects_a_payload_longer_than_max_frame_length()
    {
        var encoder = Decoder("\n"u8.ToArray(), maxFrameLength: 4);

        Assert.Throws<ArgumentException>(() => encoder.GetEncodedLength(5));
        Assert.Throws<ArgumentException>(() => encoder.Encode("12345"u8, new byte[10]));
        Assert.Equal(5, encoder.Encode("1234"u8, new byte[5]));
    }

    [Theory]
    [InlineData("\n", "a\nb")]
    [InlineData("END", "xENDx")]
    [InlineData("\n\n", "a\n")]
    public void Encoder_rejects_a_payload_the_peer_would_split(string delimiter, string payload)
    {
        var encoder = Decoder(Ascii(delimiter));

        Assert.Throws<ArgumentException>(() => encoder.Encode(Ascii(payload), new byte[64]));
    }

    [Fact]
    public void Constructor_rejects_an_empty_delimiter_and_a_non_positive_max_frame_length()
    {
        Assert.Equal("delimiter", Assert.Throws<ArgumentException>(() => new DelimiterFrameDecoder(ReadOnlyMemory<byte>.Empty, 10)).ParamName);
        Assert.Equal("maxFrameLength", Assert.Throws<ArgumentOutOfRangeException>(() => new DelimiterFrameDecoder("\n"u8.ToArray(), 0)).ParamName);
    }

    [Fact]
    public void Keeps_its_own_copy_of_the_delimiter()
    {
        byte[] delimiter = "\n"u8.ToArray();
        var decoder = new DelimiterFrameDecoder(delimiter, 10);
        delimiter[0] = (byte)';';
        ReadOnlySequence<byte> buffer = new(Ascii("a\n"));

        Assert.Equal(DecodeStatus.Frame, decoder.Decode(ref buffer, out _, out _));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Decodes_frames_without_allocating(string delimiter)
    {
        var decoder = Decoder(Ascii(delimiter), maxFrameLength: 128);
        byte[] stream = FramedStream.Encode(decoder, Enumerable.Repeat(Filled(100 - delimiter.Length, (byte)'p'), 10_000));

        Assert.Equal(10_000, AllocationProbe.DecodeAll(decoder, stream, out long allocated));
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("END")]
    public void Decodes_frames_from_many_segments_without_allocating(string delimiter)
    {
        var decoder = Decoder(Ascii(delimiter), maxFrameLength: 128);
        byte[] stream = FramedStream.Encode(decoder, Enumerable.Repeat(Filled(100 - delimiter.Length, (byte)'p'), 10_000));

        // 4 KiB segments: some delimiters straddle two of them.
        int[] cuts = Enumerable.Range(1, (stream.Length - 1) / 4096).Select(i => i * 4096).ToArray();
        ReadOnlySequence<byte> segmented = SequenceSplitter.Split(stream, cuts);

        Assert.Equal(10_000, AllocationProbe.DecodeAll(decoder, segmented, out long allocated));
        Assert.Equal(0, allocated);
    }

    private static void AssertAgreesWithSplitting(RawInput input, BufferLayout layout)
    {
        byte[] delimiter = input.Delimiter;
        var driver = new DecodeDriver(Decoder(delimiter, input.MaxFrameLength), layout);
        foreach (byte[] read in FramedStream.Reads(input.Bytes, input.CutFractions))
        {
            driver.Receive(read);
            Assert.True(driver.PendingLength < input.MaxFrameLength + delimiter.Length, "the decoder must bound what it keeps");
        }

        var expected = new List<string>();
        int start = 0;
        for (int at; (at = input.Bytes.AsSpan(start).IndexOf(delimiter)) >= 0; start += at + delimiter.Length)
        {
            expected.Add(at <= input.MaxFrameLength
                ? "frame " + Convert.ToHexString(input.Bytes, start, at)
                : $"rejected {Convert.ToHexString(input.Bytes, start, at)} {new FrameError(FrameErrorKind.FrameTooLong, at, input.MaxFrameLength)}");
        }

        var actual = new List<string>();
        var discarded = new List<byte>();
        foreach (DecodeEvent e in driver.Events)
        {
            switch (e.Status)
            {
                case DecodeStatus.Frame:
                    Assert.Empty(discarded);
                    actual.Add("frame " + Convert.ToHexString(e.Bytes));
                    break;
                case DecodeStatus.Discarding:
                    discarded.AddRange(e.Bytes);
                    break;
                case DecodeStatus.Rejected:
                    discarded.AddRange(e.Bytes);
                    actual.Add($"rejected {Convert.ToHexString([.. discarded])} {e.Error}");
                    discarded.Clear();
                    break;
                default:
                    Assert.Fail($"unexpected {e}");
                    break;
            }
        }

        Assert.Equal(expected, actual);
        byte[] tail = input.Bytes[start..];
        Assert.Equal(Convert.ToHexString(tail), Convert.ToHexString([.. discarded]) + Convert.ToHexString(driver.PendingBytes));
    }

    private static Gen<DelimitedStream> ValidStreams() =>
        from delimiter in Gen.Elements(Delimiters)
        from payloads in Gen.ArrayOf(Payloads(delimiter))
        from cuts in FramedStream.CutFractions
        select new DelimitedStream(delimiter, payloads, cuts);

    private static Gen<RawInput> RawInputs() =>
        from delimiter in Gen.Elements(Delimiters)
        from max in Gen.Choose(1, 12)
        from bytes in Gen.ArrayOf(Gen.Elements<byte>([.. delimiter, (byte)'a', (byte)'b']))
        from cuts in FramedStream.CutFractions
        select new RawInput(delimiter, max, bytes, cuts);

    // Payloads drawn from the delimiter's own bytes plus others exercise partial matches; the repair then removes
    // every place where the decoder would find the delimiter before its appended copy.
    private static Gen<byte[]> Payloads(byte[] delimiter) =>
        Gen.ArrayOf(Gen.Elements<byte>([.. delimiter, (byte)'a', 0xFF]))
            .Select(p => Repair(p.Length > PropertyMaxFrameLength ? p[..PropertyMaxFrameLength] : p, delimiter));

    private static byte[] Repair(byte[] payload, byte[] delimiter)
    {
        while (true)
        {
            int at = ((ReadOnlySpan<byte>)[.. payload, .. delimiter]).IndexOf(delimiter);
            if (at == payload.Length)
            {
                return payload;
            }

            // 'a' is in no delimiter, so no occurrence can cover this position any more.
            payload[at] = (byte)'a';
        }
    }

    private static byte[] EncodeAll(DelimitedStream s) => FramedStream.Encode(Decoder(s.Delimiter), s.Payloads);

    private static DelimiterFrameDecoder Decoder(byte[] delimiter, int maxFrameLength = PropertyMaxFrameLength) =>
        new(delimiter, maxFrameLength);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    private static string[] FramesAsText(DecodeDriver driver) => driver.Frames.Select(Encoding.ASCII.GetString).ToArray();
}
