using ActorNet.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Framing;

public sealed class SyncMarkerFrameDecoderTests
{
    // AA 55, a 2-byte big-endian length of the payload, the payload: frames of at most 64 bytes.
    private static readonly byte[] Marker = [0xAA, 0x55];
    private const int MaxFrameLength = 64;
    private const int MaxPayload = MaxFrameLength - 4;

    private static SyncMarkerFrameDecoder Decoder(bool resync = true) =>
        new(new LengthFieldFrameDecoder(2, 2, true, 0, 4, MaxFrameLength), Marker, resync);

    private static byte[] Frame(params byte[] payload) => [.. Marker, 0, (byte)payload.Length, .. payload];

    /// <summary>A frame whose length field says more than max-frame-length allows.</summary>
    private static byte[] Oversize(params byte[] payload) => [.. Marker, 0x7F, 0xFF, .. payload];

    public enum Damage
    {
        None,
        OversizeLength,
        MissingMarker,
    }

    public sealed record DamagedStream(byte[][] Payloads, Damage[] Damages, int[] CutFractions)
    {
        public override string ToString() =>
            $"payloads {FramedStream.Describe(Payloads)}, damages {string.Join(",", Damages)}, cuts {string.Join(",", CutFractions)}";
    }

    // ---- examples ----

    [Fact]
    public void Cuts_frames_that_start_with_the_marker_and_strips_marker_and_length()
    {
        var driver = DecodeDriver.Run(Decoder(), [[.. Frame(1, 2, 3), .. Frame(), .. Frame(9)]]);

        Assert.Equal(["010203", "", "09"], driver.Frames.Select(Convert.ToHexString));
        Assert.Equal(0, driver.PendingLength);
    }

    [Fact]
    public void Finds_a_frame_whose_marker_straddles_two_reads()
    {
        byte[] stream = [.. Frame(1), .. Frame(2, 3)];

        // The second frame's marker is split: AA at the end of one read, 55 at the start of the next.
        var driver = DecodeDriver.Run(Decoder(), [stream[..6], stream[6..]], BufferLayout.SegmentPerRead);

        Assert.Equal(["01", "0203"], driver.Frames.Select(Convert.ToHexString));
    }

    [Fact]
    public void Without_resync_a_frame_that_does_not_start_with_the_marker_is_fatal_at_its_first_byte()
    {
        var driver = DecodeDriver.Run(Decoder(resync: false), [[0xAB]]);

        var fatal = Assert.Single(driver.Events);
        Assert.Equal(DecodeStatus.Fatal, fatal.Status);
        Assert.Equal(new FrameError(FrameErrorKind.MissingSyncMarker, 0, 2), fatal.Error);
        Assert.Equal("frame does not start with the 2-byte sync-marker", fatal.Error.Describe());
    }

    [Fact]
    public void Without_resync_an_oversize_length_is_fatal_as_for_plain_length_field_framing()
    {
        var driver = DecodeDriver.Run(Decoder(resync: false), [[.. Frame(1), .. Oversize(1, 2)]]);

        Assert.Equal(DecodeStatus.Frame, driver.Events[0].Status);
        Assert.Equal(DecodeStatus.Fatal, driver.Events[1].Status);
        Assert.Equal(FrameErrorKind.FrameTooLong, driver.Events[1].Error.Kind);
        Assert.Equal(Oversize(), driver.Events[1].Bytes);
    }

    [Fact]
    public void With_resync_an_oversize_length_is_skipped_to_the_next_marker_and_reported_once()
    {
        byte[] bad = Oversize(1, 2, 3, 4, 5);
        var driver = DecodeDriver.Run(Decoder(), [[.. Frame(7), .. bad, .. Frame(8), .. Frame(9)]]);

        Assert.Equal(["Frame", "Rejected", "Frame", "Frame"], driver.Events.Select(e => e.Status.ToString()));
        var rejected = driver.Events[1];
        Assert.Equal(bad, rejected.Bytes);
        Assert.Equal(new FrameError(FrameErrorKind.FrameTooLong, 0x7FFF + 4, MaxFrameLength, SkippedToSyncMarker: true), rejected.Error);
        Assert.Equal("frame-too-long", rejected.Error.Reason);
        Assert.Equal("frame length 32771 exceeds max-frame-length 64; the bytes up to the next sync-marker were skipped",
            rejected.Error.Describe());
        Assert.Equal(["07", "08", "09"], driver.Frames.Select(Convert.ToHexString));
    }

    [Fact]
    public void A_marker_whose_header_is_also_bad_belongs_to_the_same_skipped_stretch()
    {
        // Two damaged frames in a row, and a marker inside the first one's bytes followed by a bad length.
        byte[] stretch = [.. Oversize(1, 0xAA, 0x55, 0xFF, 0xFF, 2), .. Oversize(3)];
        var driver = DecodeDriver.Run(Decoder(), FramedStream.OneByteReads([.. stretch, .. Frame(4)]));

        var rejected = Assert.Single(driver.Events, e => e.Status == DecodeStatus.Rejected);
        Assert.Equal(stretch.Length, driver.Events.Where(e => e.Status is DecodeStatus.Discarding or DecodeStatus.Rejected).Sum(e => e.Bytes.Length));
        Assert.Equal(FrameErrorKind.FrameTooLong, rejected.Error.Kind);
        Assert.Equal(["04"], driver.Frames.Select(Convert.ToHexString));
    }

    [Fact]
    public void Garbage_before_the_first_frame_is_skipped_as_a_missing_marker()
    {
        var driver = DecodeDriver.Run(Decoder(), [[0x01, 0x02, 0xAA, .. Frame(5)]]);

        Assert.Equal(DecodeStatus.Rejected, driver.Events[0].Status);
        Assert.Equal(FrameErrorKind.MissingSyncMarker, driver.Events[0].Error.Kind);
        Assert.Equal([0x01, 0x02, 0xAA], driver.Events[0].Bytes);
        Assert.Equal(["05"], driver.Frames.Select(Convert.ToHexString));
    }

    [Fact]
    public void While_no_marker_comes_the_skipped_bytes_are_consumed_and_only_a_possible_marker_start_is_kept()
    {
        var decoder = Decoder();
        var driver = new DecodeDriver(decoder);

        driver.Receive([.. Oversize(), .. Enumerable.Repeat((byte)0x11, 1000), 0xAA]);

        Assert.Equal(DecodeStatus.Discarding, Assert.Single(driver.Events).Status);
        Assert.True(driver.PendingLength <= Marker.Length, $"{driver.PendingLength} bytes kept");
        driver.Receive([.. Frame(6)[1..]]);
        Assert.Equal(DecodeStatus.Rejected, driver.Events[^2].Status);
        Assert.Equal(["06"], driver.Frames.Select(Convert.ToHexString));
    }

    [Fact]
    public void After_a_lost_partial_frame_it_skips_to_the_next_marker_and_reports_a_resynchronisation()
    {
        var decoder = Decoder(resync: false);

        Assert.True(decoder.TryResynchronise(3));
        // The rest of the lost frame begins with bytes that look like a frame start: they are not taken for one.
        var driver = DecodeDriver.Run(decoder, [[.. Frame(1, 2), .. Frame(3)]]);

        Assert.Equal(DecodeStatus.Rejected, driver.Events[0].Status);
        Assert.Equal(new FrameError(FrameErrorKind.Resynchronised, 6, 3, SkippedToSyncMarker: true), driver.Events[0].Error);
        Assert.Equal(["03"], driver.Frames.Select(Convert.ToHexString));
    }

    [Fact]
    public void Encodes_frames_with_the_marker_that_decode_back()
    {
        var decoder = Decoder();
        var frame = new byte[decoder.GetEncodedLength(3)];

        decoder.Encode([1, 2, 3], frame);

        Assert.Equal(Frame(1, 2, 3), frame);
    }

    [Fact]
    public void The_bulk_path_stops_before_a_frame_without_the_marker()
    {
        byte[] stream = [.. Frame(1), .. Frame(2), 0x00, 0x55, 0x00, 0x01, 3, .. Frame(4)];
        var frames = new FrameSpan[8];

        var count = Decoder().DecodeFrames(stream, frames, out var consumed);

        Assert.Equal(2, count);
        Assert.Equal(10, consumed);
        Assert.Equal(new FrameSpan(4, 1), frames[0]);
        Assert.Equal(new FrameSpan(9, 1), frames[1]);
    }

    [Fact]
    public void The_marker_must_fit_before_the_length_field()
    {
        var e = Assert.Throws<ArgumentException>(() => new SyncMarkerFrameDecoder(new LengthFieldFrameDecoder(1, 2, true, 0, 3, 64), Marker, true));

        Assert.Contains("length-field-offset must be at least 2", e.Message);
    }

    // ---- properties ----

    [Property]
    public Property Any_split_of_an_intact_stream_yields_exactly_its_frames() =>
        Prop.ForAll(DamagedStreams(Gen.Constant(Damage.None)).ToArbitrary(), s =>
            FramedStream.AssertDecodesTo(() => Decoder(), FramedStream.Reads(Encode(s), s.CutFractions), s.Payloads));

    [Property(MaxTest = 300)]
    public Property A_stream_with_damaged_frames_loses_only_them_each_damaged_stretch_rejected_once() =>
        Prop.ForAll(DamagedStreams(Gen.Elements(Damage.None, Damage.None, Damage.OversizeLength, Damage.MissingMarker)).ToArbitrary(), s =>
        {
            byte[] stream = Encode(s);
            string[] intact = s.Payloads.Where((_, i) => s.Damages[i] == Damage.None).Select(Convert.ToHexString).ToArray();
            var stretches = Stretches(s);
            foreach (BufferLayout layout in Enum.GetValues<BufferLayout>())
            {
                foreach (byte[][] reads in new[] { FramedStream.Reads(stream, s.CutFractions), FramedStream.OneByteReads(stream) })
                {
                    var driver = DecodeDriver.Run(Decoder(), reads, layout);

                    Assert.Equal(intact, driver.Frames.Select(Convert.ToHexString).ToArray());
                    // Every byte of a damaged stretch is skipped, in one rejection per stretch, with the first frame's fault.
                    var rejections = new List<(int Bytes, FrameErrorKind Kind)>();
                    var skipped = 0;
                    foreach (var e in driver.Events)
                    {
                        if (e.Status is DecodeStatus.Discarding or DecodeStatus.Rejected) skipped += e.Bytes.Length;
                        if (e.Status != DecodeStatus.Rejected) continue;
                        rejections.Add((skipped, e.Error.Kind));
                        Assert.True(e.Error.SkippedToSyncMarker);
                        skipped = 0;
                    }
                    Assert.Equal(stretches, rejections);
                    Assert.Equal(0, driver.PendingLength);
                }
            }
        });

    [Property(MaxTest = 300)]
    public Property Any_bytes_in_any_reads_give_the_same_frames_and_rejections_as_one_read() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Elements<byte>(0xAA, 0x55, 0x00, 0x01, 0x03, 0xFF)).SelectMany(bytes =>
                FramedStream.CutFractions.Select(cuts => (Bytes: bytes, Cuts: cuts))).ToArbitrary(), input =>
        {
            string[] Outcomes(DecodeDriver d) => d.Events.Where(e => e.Status != DecodeStatus.Discarding)
                .Select(e => $"{e.Status}:{Convert.ToHexString(e.Bytes)}:{e.Error.Kind}").ToArray();

            var whole = DecodeDriver.Run(Decoder(), [input.Bytes]);
            foreach (BufferLayout layout in Enum.GetValues<BufferLayout>())
            {
                var split = DecodeDriver.Run(Decoder(), FramedStream.Reads(input.Bytes, input.Cuts), layout);
                var ones = DecodeDriver.Run(Decoder(), FramedStream.OneByteReads(input.Bytes), layout);
                // A rejection's bytes are the last piece of its stretch: compare frames and kinds, and the bytes consumed.
                Assert.Equal(Outcomes(whole).Where(o => o.StartsWith("Frame")), Outcomes(split).Where(o => o.StartsWith("Frame")));
                Assert.Equal(whole.Events.Count(e => e.Status == DecodeStatus.Rejected), split.Events.Count(e => e.Status == DecodeStatus.Rejected));
                Assert.Equal(Outcomes(whole).Where(o => o.StartsWith("Frame")), Outcomes(ones).Where(o => o.StartsWith("Frame")));
                Assert.Equal(whole.Events.Count(e => e.Status == DecodeStatus.Rejected), ones.Events.Count(e => e.Status == DecodeStatus.Rejected));
            }
        });

    /// <summary>The expected rejections: per run of damaged frames, its length in bytes and the first frame's fault.</summary>
    private static List<(int Bytes, FrameErrorKind Kind)> Stretches(DamagedStream s)
    {
        var stretches = new List<(int, FrameErrorKind)>();
        for (int i = 0; i < s.Payloads.Length; i++)
        {
            if (s.Damages[i] == Damage.None) continue;
            var kind = s.Damages[i] == Damage.OversizeLength ? FrameErrorKind.FrameTooLong : FrameErrorKind.MissingSyncMarker;
            var bytes = 0;
            for (; i < s.Payloads.Length && s.Damages[i] != Damage.None; i++) bytes += 4 + s.Payloads[i].Length;
            stretches.Add((bytes, kind));
        }
        return stretches;
    }

    private static byte[] Encode(DamagedStream s) => s.Payloads.SelectMany((payload, i) => s.Damages[i] switch
    {
        Damage.OversizeLength => Oversize(payload),
        Damage.MissingMarker => [0x00, .. Frame(payload)[1..]],
        _ => Frame(payload),
    }).ToArray();

    /// <summary>
    /// Streams of frames, the last one always intact (a stretch ends at a marker). Payload bytes never form the marker
    /// (no 0xAA or 0x55) and lengths stay below 0xAA: a marker inside a frame would be a false frame start, which no
    /// framing without a checksum can tell from a real one.
    /// </summary>
    private static Gen<DamagedStream> DamagedStreams(Gen<Damage> damage) =>
        from payloads in Gen.NonEmptyListOf(Gen.Choose(0, MaxPayload).SelectMany(n =>
            Gen.ArrayOf(Gen.Elements(Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => b is not (0xAA or 0x55)).ToArray()), n)))
        from damages in Gen.ArrayOf(damage, payloads.Count)
        from cuts in FramedStream.CutFractions
        select new DamagedStream([.. payloads], [.. damages.Take(payloads.Count - 1), Damage.None], cuts);
}
