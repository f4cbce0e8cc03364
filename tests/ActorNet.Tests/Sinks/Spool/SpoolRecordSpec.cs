using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks.Spool;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Sinks.Spool;

public sealed class SpoolRecordSpec
{
    private static readonly RejectedFrame InvalidUtf8 =
        TestBatches.Rejected("invalid-utf8", "byte 0xFF at offset 2 is not UTF-8 — «quoted»", [0x61, 0x62, 0xFF], rawLength: 9_000);

    private static readonly RejectedFrame TooLong =
        TestBatches.Rejected("frame-too-long", "frame of 70000 bytes is longer than max-frame-length 65536", [], rawLength: 70_000);

    public static TheoryData<bool, bool> Parts => new() { { true, true }, { true, false }, { false, true }, { false, false } };

    [Theory]
    [MemberData(nameof(Parts))]
    public void Round_trips_identity_and_the_part_the_sink_writes(bool accepted, bool rejected)
    {
        var original = TestBatches.Of(PayloadFormat.Binary, 1_000_000_007, "alpha", InvalidUtf8, new byte[] { 0, 1, 0xFF, 0x80 }, "", TooLong, "ünïcødé €");

        var (copy, readAccepted, readRejected) = SpoolRecord.Read(Written(original, accepted, rejected));

        Assert.Equal(accepted, readAccepted);
        Assert.Equal(rejected, readRejected);
        AssertSameIdentity(original, copy);
        for (var i = 0; i < original.Count; i++)
        {
            Assert.Equal(original.IsRejected(i), copy.IsRejected(i));
            if (original.IsRejected(i))
            {
                var sent = original.Rejections![i]!;
                var back = copy.Rejections![i]!;
                Assert.Equal(rejected ? sent.Reason : "", back.Reason);
                Assert.Equal(rejected ? sent.Error : "", back.Error);
                Assert.Equal(rejected ? sent.Raw.ToArray() : [], back.Raw.ToArray());
                // The length is kept either way: it is part of the entry's identity, not its bytes.
                Assert.Equal(sent.RawLength, back.RawLength);
            }
            else
            {
                Assert.Equal(accepted ? original.Payload(i).ToArray() : [], copy.Payload(i).ToArray());
            }
        }
    }

    [Fact]
    public void A_batch_without_rejections_reads_back_without_rejections()
    {
        var original = TestBatches.Of(PayloadFormat.Text, 5, "one", "two");

        var (copy, _, _) = SpoolRecord.Read(Written(original, accepted: true, rejected: true));

        Assert.Null(copy.Rejections);
        Assert.Null(copy.Frames.Rejections);
        Assert.Equal(["one", "two"], Enumerable.Range(0, copy.Count).Select(i => Encoding.UTF8.GetString(copy.Payload(i).Span)));
    }

    [Fact]
    public void Spools_the_parsers_payload_rather_than_the_frames_bytes()
    {
        var frames = TestBatches.Of(PayloadFormat.Json, 1, "frame-0", "frame-1").Frames;
        var parsed = new ParsedBatch(frames, PayloadFormat.Json, null, ["{\"parsed\":0}"u8.ToArray(), "[1]"u8.ToArray()]);

        var (copy, _, _) = SpoolRecord.Read(Written(parsed, accepted: true, rejected: false));

        Assert.Equal("{\"parsed\":0}", Encoding.UTF8.GetString(copy.Payload(0).Span));
        Assert.Equal("[1]", Encoding.UTF8.GetString(copy.Payload(1).Span));
    }

    [Fact]
    public void The_batch_read_back_owns_its_bytes()
    {
        var body = Written(TestBatches.Of(PayloadFormat.Text, 1, "keep me", InvalidUtf8), accepted: true, rejected: true);
        var (copy, _, _) = SpoolRecord.Read(body);

        Array.Fill(body, (byte)0xEE);

        Assert.Equal("keep me", Encoding.UTF8.GetString(copy.Payload(0).Span));
        Assert.Equal(InvalidUtf8.Raw.ToArray(), copy.Rejections![1]!.Raw.ToArray());
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public void Counts_the_entries_the_sink_writes(bool accepted, bool rejected)
    {
        var body = Written(TestBatches.Of(PayloadFormat.Text, 1, "a", InvalidUtf8, "b", TooLong, "c"), accepted, rejected);

        Assert.Equal((accepted ? 3 : 0) + (rejected ? 2 : 0), SpoolRecord.CountWritten(body));
    }

    [Fact]
    public void Every_truncation_of_a_body_throws_InvalidDataException()
    {
        var body = Written(TestBatches.Of(PayloadFormat.Text, 1, "alpha", InvalidUtf8, "omega"), accepted: true, rejected: true);

        for (var length = 0; length < body.Length; length++)
        {
            var truncated = body[..length];
            Assert.Throws<InvalidDataException>(() => SpoolRecord.Read(truncated));
            Assert.Throws<InvalidDataException>(() => SpoolRecord.CountWritten(truncated));
        }
    }

    [Theory]
    [InlineData("CN=device-17, O=Meters Ltd")]
    [InlineData("")]
    [InlineData(null)]
    public void The_client_certificates_subject_round_trips(string? subject)
    {
        var original = TestBatches.From(new ConnectionInfo("tls-meters", 9, "127.0.0.2:41000") { ClientSubject = subject }, PayloadFormat.Text, 5,
            "reading", InvalidUtf8);

        var (copy, _, _) = SpoolRecord.Read(Written(original, accepted: true, rejected: true));

        Assert.Equal(subject, copy.Connection.ClientSubject);
        AssertSameIdentity(original, copy);
    }

    [Fact]
    public void A_body_written_by_version_1_reads_back_without_a_client_subject()
    {
        var (batch, accepted, rejected) = SpoolRecord.Read(SpoolRecordV1.Body());

        Assert.True(accepted);
        Assert.True(rejected);
        Assert.Equal(new ConnectionInfo(SpoolRecordV1.Source, SpoolRecordV1.Connection, SpoolRecordV1.Peer), batch.Connection);
        Assert.Null(batch.Connection.ClientSubject);
        Assert.Equal(PayloadFormat.Text, batch.Format);
        Assert.Equal(SpoolRecordV1.FirstSeq, batch.Frames.FirstSeq);
        Assert.Equal(SpoolRecordV1.ReceivedAt, batch.Frames.ReceivedAt);
        Assert.Equal(2, batch.Count);
        Assert.Equal("alpha", Encoding.UTF8.GetString(batch.Payload(0).Span));
        Assert.Equal(new RejectedFrame("invalid-utf8", "byte 0xFF at offset 1", default, 9), batch.Rejections![1]! with { Raw = default });
        Assert.Equal([0x61, 0xFF], batch.Rejections![1]!.Raw.ToArray());
        Assert.Equal(2, SpoolRecord.CountWritten(SpoolRecordV1.Body()));
    }

    [Fact]
    public void A_client_subject_flag_other_than_0_or_1_throws_InvalidDataException()
    {
        var connection = new ConnectionInfo("s", 1, "p");
        var body = Written(TestBatches.From(connection, PayloadFormat.Text, 1, "x"), accepted: true, rejected: false);
        // After version, the two flags, format, source (4 + 1), connection (8) and peer (4 + 1).
        body[4 + 5 + 8 + 5] = 2;

        Assert.Throws<InvalidDataException>(() => SpoolRecord.Read(body));
    }

    [Fact]
    public void A_body_of_another_version_throws_InvalidDataException()
    {
        var body = Written(TestBatches.Of(PayloadFormat.Text, 1, "alpha"), accepted: true, rejected: false);
        body[0] = 99;

        Assert.Throws<InvalidDataException>(() => SpoolRecord.Read(body));
    }

    [Fact]
    public void A_negative_entry_count_throws_InvalidDataException()
    {
        var original = TestBatches.Of(PayloadFormat.Text, 1, "alpha");
        var body = Written(original, accepted: true, rejected: false);
        // The count sits just before the first entry: version, flags, format, strings and longs precede it.
        var countOffset = body.Length - (1 + 4 + "alpha".Length) - 4;
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(countOffset), -1);

        Assert.Throws<InvalidDataException>(() => SpoolRecord.Read(body));
    }

    [Property(MaxTest = 300)]
    public Property Any_batch_round_trips() =>
        Prop.ForAll(Batches().ToArbitrary(), spooled =>
        {
            var (copy, accepted, rejected) = SpoolRecord.Read(Written(spooled.Batch, spooled.Accepted, spooled.Rejected));

            Assert.Equal(spooled.Accepted, accepted);
            Assert.Equal(spooled.Rejected, rejected);
            AssertSameIdentity(spooled.Batch, copy);
            for (var i = 0; i < copy.Count; i++)
            {
                Assert.Equal(spooled.Batch.IsRejected(i), copy.IsRejected(i));
                if (copy.IsRejected(i))
                {
                    var sent = spooled.Batch.Rejections![i]!;
                    var back = copy.Rejections![i]!;
                    Assert.Equal(spooled.Rejected ? sent with { Raw = default } : new RejectedFrame("", "", default, sent.RawLength), back with { Raw = default });
                    Assert.Equal(spooled.Rejected ? sent.Raw.ToArray() : [], back.Raw.ToArray());
                }
                else
                {
                    Assert.Equal(spooled.Accepted ? spooled.Batch.Payload(i).ToArray() : [], copy.Payload(i).ToArray());
                }
            }
            Assert.Equal(
                Enumerable.Range(0, copy.Count).Count(i => copy.IsRejected(i) ? rejected : accepted),
                SpoolRecord.CountWritten(Written(spooled.Batch, spooled.Accepted, spooled.Rejected)));
        });

    public sealed record SpooledBatch(ParsedBatch Batch, bool Accepted, bool Rejected)
    {
        public override string ToString() =>
            $"{Batch.Count} entries from seq {Batch.Frames.FirstSeq} of {Batch.Connection}, {Batch.Format}, " +
            $"rejected at [{string.Join(",", Enumerable.Range(0, Batch.Count).Where(Batch.IsRejected))}], accepted={Accepted} rejected={Rejected}";
    }

    private static byte[] Written(ParsedBatch batch, bool accepted, bool rejected)
    {
        var output = new ArrayBufferWriter<byte>();
        SpoolRecord.Write(output, batch, accepted, rejected);
        return output.WrittenSpan.ToArray();
    }

    private static void AssertSameIdentity(ParsedBatch original, ParsedBatch copy)
    {
        Assert.Equal(original.Count, copy.Count);
        Assert.Equal(original.Format, copy.Format);
        Assert.Equal(original.Connection, copy.Connection);
        Assert.Equal(original.Frames.FirstSeq, copy.Frames.FirstSeq);
        Assert.Equal(original.Frames.LastSeq, copy.Frames.LastSeq);
        Assert.Equal(Enumerable.Range(0, original.Count).Select(original.Seq), Enumerable.Range(0, copy.Count).Select(copy.Seq));
        Assert.Equal(original.Frames.ReceivedAt, copy.Frames.ReceivedAt);
        Assert.Equal(DateTimeKind.Utc, copy.Frames.ReceivedAt.Kind);
    }

    // Strings as ActorNet makes them (names, addresses, messages): well-formed UTF-16, hence exactly UTF-8 encodable.
    private static Gen<string> Texts() =>
        Gen.ArrayOf(Gen.Elements('a', 'Z', '0', ' ', ':', '"', '\\', '\n', '\0', 'é', '€', '中'))
            .Select(chars => new string(chars) + (chars.Length % 3 == 0 ? "😀" : ""));

    private static Gen<byte[]> Bytes() => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

    private static Gen<object> Entries() => Gen.OneOf(
        Bytes().Select(b => (object)b),
        from reason in Texts()
        from error in Texts()
        from raw in Bytes()
        from extra in Gen.Choose(0, 1_000_000)
        select (object)new RejectedFrame(reason, error, raw, raw.Length + (long)extra));

    private static Gen<SpooledBatch> Batches() =>
        from source in Texts()
        from id in Gen.Choose(0, int.MaxValue).Select(i => (long)i * 3)
        from peer in Texts()
        from subject in Gen.OneOf(Gen.Constant<string?>(null), Texts().Select(t => (string?)t))
        from firstSeq in Gen.Choose(1, int.MaxValue).Select(s => s + (long)int.MaxValue)
        from ticks in Gen.Choose(0, int.MaxValue).Select(t => DateTime.UnixEpoch.Ticks + t * 10_000_000L)
        from format in Gen.Elements(Enum.GetValues<PayloadFormat>())
        from entries in Gen.ArrayOf(Entries())
        from accepted in Gen.Elements(true, false)
        from rejected in Gen.Elements(true, false)
        select new SpooledBatch(Batch(new ConnectionInfo(source, id, peer) { ClientSubject = subject }, firstSeq, new DateTime(ticks, DateTimeKind.Utc), format, entries),
            accepted, rejected);

    private static ParsedBatch Batch(ConnectionInfo connection, long firstSeq, DateTime receivedAt, PayloadFormat format, object[] entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var slices = new FrameSpan[entries.Length];
        RejectedFrame?[]? rejections = null;
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i] is RejectedFrame rejection)
            {
                rejections ??= new RejectedFrame?[entries.Length];
                rejections[i] = rejection;
                continue;
            }
            var payload = (byte[])entries[i];
            slices[i] = new FrameSpan(buffer.WrittenCount, payload.Length);
            buffer.Write(payload);
        }
        var frames = new FrameBatch(connection, firstSeq, receivedAt, buffer.WrittenSpan.ToArray(), slices, entries.Length, rejections);
        return new ParsedBatch(frames, format, rejections, payloads: null);
    }
}
