using System.Text;
using ActorNet.Connections;
using ActorNet.Framing;
using ActorNet.Protocol;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections;

public sealed class FrameCutterSpec
{
    private static readonly ConnectionInfo Info = new("sensors", 1, "127.0.0.1:50000");

    private static readonly byte[][] Delimiters = ["\n"u8.ToArray(), "\r\n"u8.ToArray(), "END"u8.ToArray(), [0]];

    // ---- any chunking ----

    [Property(MaxTest = 200)]
    public Property Any_chunking_of_delimited_lines_gives_every_frame_once_in_order_numbered_from_1()
    {
        var scenarios =
            from delimiter in Gen.Elements(Delimiters)
            from lines in Gen.ListOf(Line(delimiter, maxLength: 40))
            from readBufferSize in Gen.Elements(16, 64, 4096)
            from minReadBufferSize in Gen.Elements(0, 16, 64)
            from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 50))
            select new Scenario(delimiter, [.. lines], readBufferSize, [.. chunks], MaxFrameLength: 64, RawLimit: 4096, minReadBufferSize);

        return Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            using var cutter = scenario.Cutter(new DelimiterFrameDecoder(scenario.Delimiter, scenario.MaxFrameLength));
            var peer = new Peer(cutter);

            peer.Send(scenario.Stream, scenario.Chunks);
            peer.Close();

            AssertFrames(scenario.Lines, peer);
        });
    }

    [Property(MaxTest = 200)]
    public Property A_frame_over_max_frame_length_is_quarantined_and_the_frames_around_it_are_intact()
    {
        var scenarios =
            from delimiter in Gen.Elements(Delimiters)
            from lines in Gen.ListOf(Line(delimiter, maxLength: 60))
            from readBufferSize in Gen.Elements(16, 64, 4096)
            from rawLimit in Gen.Elements(0, 5, 4096)
            from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 50))
            select new Scenario(delimiter, [.. lines], readBufferSize, [.. chunks], MaxFrameLength: 16, rawLimit);

        return Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            using var cutter = scenario.Cutter(new DelimiterFrameDecoder(scenario.Delimiter, scenario.MaxFrameLength));
            var peer = new Peer(cutter);

            peer.Send(scenario.Stream, scenario.Chunks);
            peer.Close();

            Assert.Equal(scenario.Lines.Length, peer.Entries.Count);
            for (var i = 0; i < scenario.Lines.Length; i++)
            {
                var line = scenario.Lines[i];
                var entry = peer.Entries[i];
                Assert.Equal(i + 1, entry.Seq);
                if (line.Length <= scenario.MaxFrameLength)
                {
                    Assert.Null(entry.Rejection);
                    Assert.Equal(line, entry.Frame.ToArray());
                    continue;
                }
                var rejection = Assert.IsType<RejectedFrame>(entry.Rejection);
                Assert.Equal("frame-too-long", rejection.Reason);
                Assert.Equal(line.Length, rejection.RawLength);
                Assert.Equal(line.AsSpan(0, Math.Min(line.Length, scenario.RawLimit)).ToArray(), rejection.Raw.ToArray());
                Assert.Contains($"{line.Length}", rejection.Error);
                Assert.Contains($"{scenario.MaxFrameLength}", rejection.Error);
            }
        });
    }

    [Property(MaxTest = 200)]
    public Property Any_chunking_of_length_field_frames_gives_every_payload_once_in_order()
    {
        var scenarios =
            from payloads in Gen.ListOf(Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Where(p => p.Length <= 40))
            from readBufferSize in Gen.Elements(16, 64, 4096)
            from minReadBufferSize in Gen.Elements(0, 16, 64)
            from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 50))
            select new Scenario([], [.. payloads], readBufferSize, [.. chunks], MaxFrameLength: 64, RawLimit: 4096, minReadBufferSize);

        return Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            var decoder = new LengthFieldFrameDecoder(0, 2, bigEndian: true, 0, 2, scenario.MaxFrameLength);
            using var cutter = scenario.Cutter(decoder);
            var peer = new Peer(cutter);

            peer.Send(LengthPrefixed(scenario.Lines), scenario.Chunks);
            peer.Close();

            AssertFrames(scenario.Lines, peer);
        });
    }

    [Property(MaxTest = 100)]
    public Property Any_chunking_under_raw_framing_delivers_the_whole_stream_in_frames_of_at_most_max_frame_length()
    {
        var scenarios =
            from stream in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
            from max in Gen.Choose(1, 40)
            from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 50))
            select (Stream: stream, Max: max, Chunks: chunks.ToArray());

        return Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            using var cutter = new FrameCutter(new RawFrameDecoder(scenario.Max), 64, 4096);
            var peer = new Peer(cutter);

            peer.Send(scenario.Stream, scenario.Chunks);
            peer.Close();

            Assert.All(peer.Entries, e => Assert.Null(e.Rejection));
            Assert.All(peer.Entries, e => Assert.InRange(e.Frame.Length, 1, scenario.Max));
            Assert.Equal(scenario.Stream, peer.Entries.SelectMany(e => e.Frame.ToArray()).ToArray());
            Assert.Equal(Enumerable.Range(1, peer.Entries.Count).Select(i => (long)i), peer.Entries.Select(e => e.Seq));
        });
    }

    [Property(MaxTest = 100)]
    public Property Any_chunking_under_fixed_framing_cuts_every_n_bytes_and_reports_a_short_tail_as_truncated()
    {
        var scenarios =
            from stream in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()
            from n in Gen.Choose(1, 20)
            from chunks in Gen.NonEmptyListOf(Gen.Choose(1, 50))
            select (Stream: stream, N: n, Chunks: chunks.ToArray());

        return Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            using var cutter = new FrameCutter(new FixedLengthFrameDecoder(scenario.N), 64, 4096);
            var peer = new Peer(cutter);

            peer.Send(scenario.Stream, scenario.Chunks);
            peer.Close();

            var whole = scenario.Stream.Length / scenario.N;
            var tail = scenario.Stream.Length % scenario.N;
            Assert.Equal(whole + (tail > 0 ? 1 : 0), peer.Entries.Count);
            for (var i = 0; i < whole; i++)
                Assert.Equal(scenario.Stream.AsSpan(i * scenario.N, scenario.N).ToArray(), peer.Entries[i].Frame.ToArray());
            if (tail > 0)
            {
                var truncated = Assert.IsType<RejectedFrame>(peer.Entries[^1].Rejection);
                Assert.Equal("truncated", truncated.Reason);
                Assert.Equal(tail, truncated.RawLength);
                Assert.Equal(scenario.Stream.AsSpan(whole * scenario.N).ToArray(), truncated.Raw.ToArray());
            }
        });
    }

    // ---- one read ----

    [Fact]
    public void Cuts_the_frames_of_one_read_into_one_batch()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("a\nbb\n\nccc\n"u8);

        Assert.Equal(1, peer.Batches);
        AssertFrames(["a"u8.ToArray(), "bb"u8.ToArray(), [], "ccc"u8.ToArray()], peer);
        Assert.Equal(5, peer.NextSeq);
    }

    [Fact]
    public void A_read_without_a_complete_frame_gives_no_batch()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("no delimiter yet"u8);

        Assert.Equal(0, peer.Batches);
        Assert.Equal(16, cutter.PartialLength);
        Assert.Equal(1, peer.NextSeq);
    }

    [Fact]
    public void Splits_a_frame_that_arrives_in_three_reads()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("tempera"u8);
        peer.Read("ture=2"u8);
        peer.Read("1.5\nnext"u8);

        AssertFrames(["temperature=21.5"u8.ToArray()], peer);
        Assert.Equal(4, cutter.PartialLength);
    }

    [Fact]
    public void A_frame_longer_than_the_read_buffer_grows_the_buffer()
    {
        using var cutter = new FrameCutter(Newline(), 16, 4096);
        var peer = new Peer(cutter);
        var line = Encoding.ASCII.GetBytes(new string('x', 1000));

        peer.Send([.. line, (byte)'\n'], [7]);

        AssertFrames([line], peer);
    }

    [Fact]
    public void A_rejection_followed_by_many_frames_in_one_read_keeps_every_frame()
    {
        using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 8), 64 * 1024, 4096);
        var peer = new Peer(cutter);
        var stream = Encoding.ASCII.GetBytes("far too long for eight\n" + string.Concat(Enumerable.Repeat("ok\n", 5000)));

        peer.Read(stream);

        Assert.Equal(5001, peer.Entries.Count);
        Assert.Equal("frame-too-long", peer.Entries[0].Rejection?.Reason);
        Assert.All(peer.Entries.Skip(1), e => Assert.Equal("ok"u8.ToArray(), e.Frame.ToArray()));
        Assert.Equal(Enumerable.Range(1, 5001).Select(i => (long)i), peer.Entries.Select(e => e.Seq));
    }

    [Fact]
    public void A_rejection_after_many_frames_in_one_read_is_numbered_in_place()
    {
        using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 8), 64 * 1024, 4096);
        var peer = new Peer(cutter);
        var stream = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("ok\n", 5000)) + "far too long for eight\nlast\n");

        peer.Read(stream);

        Assert.Equal(5002, peer.Entries.Count);
        Assert.Equal(5001, Assert.Single(peer.Entries, e => e.Rejection is not null).Seq);
        Assert.Equal("last"u8.ToArray(), peer.Entries[^1].Frame.ToArray());
    }

    [Fact]
    public void A_batch_owns_its_bytes_so_later_reads_do_not_change_it()
    {
        using var cutter = new FrameCutter(Newline(), 64, 4096);
        var peer = new Peer(cutter);

        peer.Read("first\nsec"u8);
        var first = peer.Entries[0].Frame;
        for (var i = 0; i < 50; i++) peer.Read("ond-and-more-bytes-to-overwrite\n"u8);

        Assert.Equal("first"u8.ToArray(), first.ToArray());
    }

    // ---- an oversize frame ----

    [Fact]
    public void An_oversize_frame_spread_over_many_reads_keeps_only_a_raw_prefix_and_its_true_length()
    {
        using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 10), 64, rawLimit: 6);
        var peer = new Peer(cutter);
        var huge = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => (char)('a' + i % 26))));

        peer.Send([.. "before\n"u8, .. huge, .. "\nafter\n"u8], [13]);

        Assert.Equal(3, peer.Entries.Count);
        Assert.Equal("before"u8.ToArray(), peer.Entries[0].Frame.ToArray());
        var rejection = Assert.IsType<RejectedFrame>(peer.Entries[1].Rejection);
        Assert.Equal("frame-too-long", rejection.Reason);
        Assert.Equal("abcdef"u8.ToArray(), rejection.Raw.ToArray());
        Assert.Equal(2000, rejection.RawLength);
        Assert.Equal("frame length 2000 exceeds max-frame-length 10", rejection.Error);
        Assert.Equal("after"u8.ToArray(), peer.Entries[2].Frame.ToArray());
        Assert.True(cutter.PartialLength <= 64, "an oversize frame must not be buffered whole");
    }

    // ---- a bad length field ----

    [Fact]
    public void A_length_field_over_max_frame_length_is_fatal_and_quarantined_after_the_frames_before_it()
    {
        using var cutter = new FrameCutter(new LengthFieldFrameDecoder(0, 4, true, 0, 4, 100), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read([0, 0, 0, 2, (byte)'o', (byte)'k', 0, 0, 0x10, 0, (byte)'x', (byte)'y']);

        Assert.True(peer.Fatal);
        Assert.Equal(2, peer.Entries.Count);
        Assert.Equal("ok"u8.ToArray(), peer.Entries[0].Frame.ToArray());
        var rejection = Assert.IsType<RejectedFrame>(peer.Entries[1].Rejection);
        Assert.Equal(2, peer.Entries[1].Seq);
        Assert.Equal("frame-too-long", rejection.Reason);
        Assert.Contains("4100", rejection.Error);
        Assert.Contains("100", rejection.Error);
        Assert.Equal(new byte[] { 0, 0, 0x10, 0 }, rejection.Raw.ToArray());
        Assert.True(rejection.RawLength >= rejection.Raw.Length);
        Assert.Equal(0, cutter.PartialLength);
    }

    [Fact]
    public void A_negative_length_field_is_fatal_and_quarantined()
    {
        using var cutter = new FrameCutter(new LengthFieldFrameDecoder(0, 8, true, 0, 8, 100), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]);

        Assert.True(peer.Fatal);
        var rejection = Assert.IsType<RejectedFrame>(Assert.Single(peer.Entries).Rejection);
        Assert.Equal("negative-length", rejection.Reason);
        Assert.Contains("-1", rejection.Error);
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 8), rejection.Raw.ToArray());
    }

    [Fact]
    public void A_length_made_negative_by_the_adjustment_is_fatal()
    {
        using var cutter = new FrameCutter(new LengthFieldFrameDecoder(0, 4, true, -10, 4, 100), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read([0, 0, 0, 1, 9]);

        Assert.True(peer.Fatal);
        var rejection = Assert.IsType<RejectedFrame>(Assert.Single(peer.Entries).Rejection);
        Assert.Equal("negative-length", rejection.Reason);
        Assert.Contains("-5", rejection.Error);
    }

    [Fact]
    public void A_bad_length_field_that_arrives_one_byte_per_read_is_fatal_on_its_last_byte()
    {
        using var cutter = new FrameCutter(new LengthFieldFrameDecoder(0, 4, true, 0, 4, 100), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read([0x7F]);
        peer.Read([0xFF]);
        peer.Read([0xFF]);
        Assert.False(peer.Fatal);
        Assert.Empty(peer.Entries);
        peer.Read([0xFF]);

        Assert.True(peer.Fatal);
        Assert.Equal("frame-too-long", Assert.Single(peer.Entries).Rejection?.Reason);
    }

    // ---- end of stream ----

    [Fact]
    public void Closing_inside_a_frame_quarantines_it_as_truncated()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("whole\npart"u8);
        peer.Close();

        Assert.Equal(2, peer.Entries.Count);
        var rejection = Assert.IsType<RejectedFrame>(peer.Entries[1].Rejection);
        Assert.Equal(2, peer.Entries[1].Seq);
        Assert.Equal("truncated", rejection.Reason);
        Assert.Equal("part"u8.ToArray(), rejection.Raw.ToArray());
        Assert.Equal(4, rejection.RawLength);
        Assert.Equal("connection closed after 4 bytes of an incomplete frame", rejection.Error);
        Assert.False(cutter.HoldsBuffer);
        Assert.Equal(0, cutter.PartialLength);
    }

    [Fact]
    public void Closing_between_frames_quarantines_nothing()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("whole\n"u8);
        peer.Close();

        Assert.Single(peer.Entries);
        Assert.Equal(2, peer.NextSeq);
    }

    [Fact]
    public void Closing_while_an_oversize_frame_is_being_discarded_reports_every_byte_of_it()
    {
        using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 8), 4096, rawLimit: 3);
        var peer = new Peer(cutter);

        peer.Read("0123456789ABCDEFGHIJ"u8);
        peer.Read("KLMNO"u8);
        peer.Close();

        var rejection = Assert.IsType<RejectedFrame>(Assert.Single(peer.Entries).Rejection);
        Assert.Equal("truncated", rejection.Reason);
        Assert.Equal(25, rejection.RawLength);
        Assert.Equal("012"u8.ToArray(), rejection.Raw.ToArray());
    }

    // ---- a read started by an earlier incarnation ----

    [Fact]
    public void A_read_into_a_buffer_the_cutter_did_not_hand_out_is_cut_like_any_other()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);
        var foreign = "???first\nsecond\n???"u8.ToArray();

        peer.ReadForeign(foreign, 3, 13);
        peer.Read("third\n"u8);

        AssertFrames(["first"u8.ToArray(), "second"u8.ToArray(), "third"u8.ToArray()], peer);
    }

    [Fact]
    public void A_foreign_read_continues_the_partial_frame_held()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("hel"u8);
        cutter.PrepareReceive();
        peer.ReadForeign("lo\nwor"u8.ToArray(), 0, 6);
        peer.Read("ld\n"u8);

        AssertFrames(["hello"u8.ToArray(), "world"u8.ToArray()], peer);
    }

    [Fact]
    public void A_foreign_read_larger_than_the_free_space_is_taken_whole()
    {
        using var cutter = new FrameCutter(Newline(), 16, 4096);
        var peer = new Peer(cutter);
        var foreign = Encoding.ASCII.GetBytes(new string('y', 999) + "\n");

        peer.Read("xxxxxxxxxx"u8);
        peer.ReadForeign(foreign, 0, foreign.Length);

        AssertFrames([Encoding.ASCII.GetBytes(new string('x', 10) + new string('y', 999))], peer);
    }

    // ---- a restart that loses the partial frame ----

    [Fact]
    public void Take_partial_hands_over_the_partial_frame_and_forgets_it()
    {
        using var cutter = new FrameCutter(Newline(), 4096, rawLimit: 3);
        var peer = new Peer(cutter);

        peer.Read("done\nunfinished"u8);
        var (prefix, length) = cutter.TakePartial();

        Assert.Equal("unf"u8.ToArray(), prefix);
        Assert.Equal(10, length);
        Assert.Equal(0, cutter.PartialLength);
        Assert.False(cutter.IsDiscarding);
    }

    [Fact]
    public void Take_partial_counts_the_bytes_of_an_oversize_frame_already_discarded()
    {
        using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 8), 4096, rawLimit: 4);
        var peer = new Peer(cutter);

        peer.Read("0123456789ABCDEFGHIJ"u8);
        var (prefix, length) = cutter.TakePartial();

        Assert.Equal("0123"u8.ToArray(), prefix);
        Assert.Equal(20, length);
    }

    [Fact]
    public void After_losing_a_partial_frame_delimiter_framing_skips_to_the_next_delimiter()
    {
        var first = new FrameCutter(Newline(), 4096, 4096);
        var before = new Peer(first);
        before.Read("abc\nde"u8);
        var (_, lost) = first.TakePartial();
        first.Dispose();

        using var next = new FrameCutter(Newline(), 4096, 4096);
        Assert.True(next.TryResynchronise(lost));
        var after = new Peer(next, before.NextSeq);
        after.Read("fg\nhi\n"u8);

        Assert.Equal(2, after.Entries.Count);
        var skipped = Assert.IsType<RejectedFrame>(after.Entries[0].Rejection);
        Assert.Equal(2, after.Entries[0].Seq);
        Assert.Equal("resynchronised", skipped.Reason);
        Assert.Equal("fg"u8.ToArray(), skipped.Raw.ToArray());
        Assert.Equal(2, skipped.RawLength);
        Assert.Contains("skipped 2 bytes", skipped.Error);
        Assert.Contains("partial frame of 2 bytes", skipped.Error);
        Assert.Equal("hi"u8.ToArray(), after.Entries[1].Frame.ToArray());
        Assert.Equal(3, after.Entries[1].Seq);
    }

    [Fact]
    public void After_losing_a_partial_frame_fixed_framing_skips_to_the_next_frame_boundary()
    {
        using var cutter = new FrameCutter(new FixedLengthFrameDecoder(4), 4096, 4096);
        Assert.True(cutter.TryResynchronise(6));
        var peer = new Peer(cutter);

        peer.Read("xxABCD"u8);

        Assert.Equal(2, peer.Entries.Count);
        Assert.Equal("resynchronised", peer.Entries[0].Rejection?.Reason);
        Assert.Equal(2, peer.Entries[0].Rejection?.RawLength);
        Assert.Equal("ABCD"u8.ToArray(), peer.Entries[1].Frame.ToArray());
    }

    [Fact]
    public void Length_field_framing_cannot_resynchronise()
    {
        using var cutter = new FrameCutter(new LengthFieldFrameDecoder(0, 4, true, 0, 4, 100), 4096, 4096);

        Assert.False(cutter.TryResynchronise(3));
    }

    // ---- the read buffer ----

    [Fact]
    public void An_idle_peer_holds_no_buffer_after_a_short_read_that_ends_on_a_frame_boundary()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);
        Assert.False(cutter.HoldsBuffer);

        peer.Read("ping\n"u8);

        Assert.False(cutter.HoldsBuffer);
        Assert.Single(peer.Entries);
    }

    [Fact]
    public void A_peer_in_the_middle_of_a_frame_keeps_its_buffer_until_the_frame_completes()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("pi"u8);
        Assert.True(cutter.HoldsBuffer);

        peer.Read("ng\n"u8);
        Assert.False(cutter.HoldsBuffer);
        AssertFrames(["ping"u8.ToArray()], peer);
    }

    // FrameCutter: "A buffer is rented only when data is waiting, so an idle peer holds no buffer at all."
    [Fact]
    public void A_peer_that_goes_quiet_while_an_oversize_frame_is_discarded_holds_no_buffer()
    {
        using var cutter = new FrameCutter(new DelimiterFrameDecoder("\n"u8.ToArray(), 8), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("0123456789ABCDEFGHIJ"u8);

        Assert.True(cutter.IsDiscarding);
        Assert.Equal(0, cutter.PartialLength);
        Assert.False(cutter.HoldsBuffer);
    }

    [Fact]
    public void A_buffer_released_by_an_idle_peer_is_rented_again_when_data_arrives()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096);
        var peer = new Peer(cutter);

        peer.Read("one\n"u8);
        Assert.False(cutter.HoldsBuffer);
        peer.Read("two\n"u8);

        AssertFrames(["one"u8.ToArray(), "two"u8.ToArray()], peer);
    }

    [Fact]
    public void Every_receive_is_offered_room_for_at_least_half_a_read_buffer_after_the_partial_frame()
    {
        using var cutter = new FrameCutter(Newline(), 64, 4096);
        var peer = new Peer(cutter);

        for (var i = 0; i < 20; i++)
        {
            var (buffer, offset, room) = cutter.PrepareReceive();
            Assert.Equal(cutter.PartialLength, offset);
            Assert.Equal(buffer.Length - offset, room);
            Assert.True(room >= 32, $"only {room} bytes of room after a partial of {offset}");
            peer.Read(i % 5 == 4 ? "end\nstart"u8 : "abcdefghijklmnopqrstuvwxyz"u8);
        }
    }

    // ---- adaptive read sizes and right-sized batches ----

    [Property(MaxTest = 200)]
    public Property With_adaptive_read_sizes_any_chunking_of_length_field_frames_gives_every_payload_once_in_order_in_right_sized_buffers()
    {
        var scenarios =
            from payloads in Gen.ListOf(Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Where(p => p.Length <= 300))
            from readBufferSize in Gen.Elements(1024, 4096, 64 * 1024)
            from minReadBufferSize in Gen.Elements(64, 512, 1024)
            from chunks in Gen.NonEmptyListOf(Gen.OneOf(Gen.Choose(1, 300), Gen.Choose(1, 70_000)))
            select new Scenario([], [.. payloads], readBufferSize, [.. chunks], MaxFrameLength: 300, RawLimit: 4096, minReadBufferSize);

        return Prop.ForAll(scenarios.ToArbitrary(), scenario =>
        {
            var decoder = new LengthFieldFrameDecoder(0, 2, bigEndian: true, 0, 2, scenario.MaxFrameLength);
            using var cutter = scenario.Cutter(decoder);
            var peer = new Peer(cutter);

            peer.Send(LengthPrefixed(scenario.Lines), scenario.Chunks);
            peer.Close();

            AssertFrames(scenario.Lines, peer);
            foreach (var (held, used) in peer.Buffers)
            {
                // Either a right-sized copy (at most twice its bytes, as rented) or a read buffer its frames use a good part of.
                Assert.True(held <= Math.Max(16, 2 * used) || used > held / 4,
                    $"a batch of {used} bytes holds {held}");
                Assert.InRange(cutter.ReadSize, Math.Min(scenario.MinReadBufferSize, scenario.ReadBufferSize), scenario.ReadBufferSize);
            }
        });
    }

    [Fact]
    public void One_small_line_in_a_large_read_buffer_is_copied_to_a_buffer_of_its_size()
    {
        using var cutter = new FrameCutter(Newline(), 64 * 1024, 4096, minReadBufferSize: 64 * 1024);
        var peer = new Peer(cutter);

        peer.Read("a line of about thirty bytes\n"u8);

        Assert.Equal((32, 28), Assert.Single(peer.Buffers)); // 29 bytes with the newline, in 32
        Assert.False(cutter.HoldsBuffer);
    }

    [Fact]
    public void A_small_read_that_ends_inside_a_frame_keeps_the_partial_frame_in_its_read_buffer()
    {
        using var cutter = new FrameCutter(Newline(), 64 * 1024, 4096, minReadBufferSize: 64 * 1024);
        var peer = new Peer(cutter);

        peer.Read("one\ntw"u8);
        Assert.Equal(64 * 1024, cutter.BufferBytes);
        Assert.Equal(2, cutter.PartialLength);
        peer.Read("o\n"u8);

        AssertFrames(["one"u8.ToArray(), "two"u8.ToArray()], peer);
        Assert.All(peer.Buffers, b => Assert.Equal(16, b.Held));
    }

    [Fact]
    public void A_read_that_fills_its_buffer_hands_the_buffer_itself_to_the_batch()
    {
        using var cutter = new FrameCutter(Newline(), 4096, 4096, minReadBufferSize: 4096);
        var peer = new Peer(cutter);
        var lines = Enumerable.Range(0, 4096 / 8).Select(i => Encoding.ASCII.GetBytes($"{i:D7}")).ToArray();

        peer.Read(lines.SelectMany(l => l.Append((byte)'\n')).ToArray());

        Assert.Equal((4096, 4095), Assert.Single(peer.Buffers)); // all but the last newline
        AssertFrames(lines, peer);
    }

    [Fact]
    public void A_streaming_peer_reads_up_to_read_buffer_size_and_a_quiet_one_back_down_to_the_minimum()
    {
        using var cutter = new FrameCutter(Newline(), 64 * 1024, 4096, minReadBufferSize: 1024);
        var peer = new Peer(cutter);
        Assert.Equal(1024, cutter.ReadSize);
        var stream = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"{i:D9}\n")));

        var offered = new List<int>();
        var position = 0;
        while (position < stream.Length)
        {
            offered.Add(cutter.PrepareReceive().Count);
            position += peer.Read(stream.AsSpan(position));
        }
        Assert.Equal(64 * 1024, cutter.ReadSize);
        Assert.True(offered.Max() >= 60 * 1024, $"largest room offered {offered.Max()}");
        Assert.True(offered.Count(o => o < 32 * 1024) <= 7, $"{offered.Count(o => o < 32 * 1024)} small reads before reaching the maximum");

        for (var i = 0; i < 20; i++) peer.Read("ping\n"u8);
        Assert.Equal(1024, cutter.ReadSize);
        Assert.All(peer.Buffers.TakeLast(20), b => Assert.Equal(16, b.Held));
    }

    // ---- helpers ----

    private static DelimiterFrameDecoder Newline() => new("\n"u8.ToArray(), 1024);

    private static Gen<byte[]> Line(byte[] delimiter, int maxLength)
    {
        var alphabet = Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => !delimiter.Contains(b)).ToArray();
        return Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet), n));
    }

    private static byte[] LengthPrefixed(IEnumerable<byte[]> payloads) =>
        payloads.SelectMany(p => new[] { (byte)(p.Length >> 8), (byte)p.Length }.Concat(p)).ToArray();

    private static void AssertFrames(IReadOnlyList<byte[]> expected, Peer peer)
    {
        Assert.All(peer.Entries, e => Assert.Null(e.Rejection));
        Assert.Equal(expected.Count, peer.Entries.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i + 1, peer.Entries[i].Seq);
            Assert.Equal(expected[i], peer.Entries[i].Frame.ToArray());
        }
    }

    private sealed record Scenario(byte[] Delimiter, byte[][] Lines, int ReadBufferSize, int[] Chunks, int MaxFrameLength, int RawLimit,
        int MinReadBufferSize = 0)
    {
        public byte[] Stream => Lines.SelectMany(l => l.Concat(Delimiter)).ToArray();

        public FrameCutter Cutter(IFrameDecoder decoder) => new(decoder, ReadBufferSize, RawLimit, MinReadBufferSize);

        public override string ToString() =>
            $"delimiter {Show(Delimiter)}, read buffer {MinReadBufferSize}..{ReadBufferSize}, max {MaxFrameLength}, raw limit {RawLimit}, " +
            $"chunks [{string.Join(",", Chunks)}], lines [{string.Join(", ", Lines.Select(Show))}]";

        private static string Show(byte[] bytes) =>
            "\"" + string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F and not (byte)'"' ? ((char)b).ToString() : $"\\x{b:X2}")) + "\"";
    }

    private sealed record Entry(long Seq, ReadOnlyMemory<byte> Frame, RejectedFrame? Rejection);

    /// <summary>
    /// Drives a <see cref="FrameCutter"/> the way <see cref="ConnectionActor"/> does: each read asks for room with
    /// PrepareReceive, receives at most that much, and cuts. Frames are kept as the batch's memory, not copied, so a
    /// batch that shared the cutter's buffer would show as changed bytes.
    /// </summary>
    private sealed class Peer(FrameCutter cutter, long firstSeq = 1)
    {
        private static readonly DateTime ReceivedAt = DateTime.UtcNow;
        private readonly long _firstSeq = firstSeq;
        private long _nextSeq = firstSeq;

        public List<Entry> Entries { get; } = [];
        public int Batches { get; private set; }

        /// <summary>Per batch: the length of its buffer, and the bytes from its first frame to the end of its last.</summary>
        public List<(int Held, int Used)> Buffers { get; } = [];
        public bool Fatal { get; private set; }
        public long NextSeq => _nextSeq;

        /// <summary>Sends <paramref name="bytes"/> in reads of the given sizes, cycled, each also limited by the room offered.</summary>
        public void Send(byte[] bytes, IReadOnlyList<int> readSizes)
        {
            var position = 0;
            var reads = 0;
            while (position < bytes.Length && !Fatal)
            {
                var size = Math.Min(readSizes[reads++ % readSizes.Count], bytes.Length - position);
                position += Read(bytes.AsSpan(position, size));
            }
        }

        /// <summary>One receive: as much of <paramref name="chunk"/> as fits; returns the bytes taken.</summary>
        public int Read(ReadOnlySpan<byte> chunk)
        {
            var (buffer, offset, room) = cutter.PrepareReceive();
            var n = Math.Min(room, chunk.Length);
            chunk[..n].CopyTo(buffer.AsSpan(offset));
            Collect(cutter.Cut(buffer, offset, n, Info, ref _nextSeq, ReceivedAt, out var fatal));
            Fatal |= fatal;
            return n;
        }

        /// <summary>A receive that completed into a buffer of an earlier incarnation.</summary>
        public void ReadForeign(byte[] buffer, int offset, int count)
        {
            Collect(cutter.Cut(buffer, offset, count, Info, ref _nextSeq, ReceivedAt, out var fatal));
            Fatal |= fatal;
        }

        public void Close() => Collect(cutter.Truncate(Info, ref _nextSeq, ReceivedAt));

        private void Collect(FrameBatch? batch)
        {
            if (batch is null) return;
            Batches++;
            Assert.Same(Info, batch.Connection);
            Assert.Equal(ReceivedAt, batch.ReceivedAt);
            Assert.True(batch.Count > 0);
            Assert.Equal(Entries.Count == 0 ? _firstSeq : Entries[^1].Seq + 1, batch.FirstSeq);
            Assert.Equal(batch.FirstSeq + batch.Count, _nextSeq);
            if (batch.Rejections is null)
            {
                var first = batch.Frame(0);
                var last = batch.Frame(batch.Count - 1);
                Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first, out var a));
                Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(last, out var b));
                Buffers.Add((batch.HeldBytes, b.Offset + b.Count - a.Offset));
            }
            for (var i = 0; i < batch.Count; i++)
            {
                var rejection = batch.Rejections?[i];
                Entries.Add(new Entry(batch.FirstSeq + i, rejection is null ? batch.Frame(i) : default, rejection));
            }
        }
    }
}
