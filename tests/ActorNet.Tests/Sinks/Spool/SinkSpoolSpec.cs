using System.Buffers;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks.Spool;
using Xunit;

namespace ActorNet.Tests.Sinks.Spool;

public sealed class SinkSpoolSpec : IDisposable
{
    private const int HeaderLength = 8;

    // 512 KiB gives the smallest segments (64 KiB), so a few dozen 9 KiB batches span several of them.
    private const long RollingLimit = 512 * 1024;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-spool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Replays_appended_batches_in_order_with_the_same_content()
    {
        var appended = Enumerable.Range(0, 20).Select(Spooled).ToList();
        using var spool = new SinkSpool(_directory, RollingLimit);

        foreach (var s in appended) Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));

        Assert.Equal(appended.Select(Describe), DrainAll(spool));
        Assert.True(spool.IsEmpty);
    }

    [Fact]
    public void Peeking_twice_returns_the_same_record_until_it_is_advanced()
    {
        using var spool = new SinkSpool(_directory, RollingLimit);
        var first = Spooled(0);
        var second = Spooled(1);
        spool.TryAppend(first.Batch, first.Accepted, first.Rejected, first.Frames);
        spool.TryAppend(second.Batch, second.Accepted, second.Rejected, second.Frames);

        Assert.Equal(Describe(first), Peek(spool));
        Assert.Equal(Describe(first), Peek(spool));
        spool.Advance();
        Assert.Equal(Describe(second), Peek(spool));
    }

    [Fact]
    public void Bytes_and_frames_track_appends_and_advances()
    {
        var appended = Enumerable.Range(0, 12).Select(Spooled).ToList();
        using var spool = new SinkSpool(_directory, RollingLimit);
        Assert.True(spool.IsEmpty);
        Assert.Equal(0, spool.Bytes);
        Assert.Equal(0, spool.Frames);

        long bytes = 0, frames = 0;
        foreach (var s in appended)
        {
            spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames);
            bytes += RecordLength(s);
            frames += s.Frames;
            Assert.Equal(bytes, spool.Bytes);
            Assert.Equal(frames, spool.Frames);
        }
        spool.Sync();
        Assert.Equal(bytes, SegmentFiles().Sum(f => new FileInfo(f).Length));

        foreach (var s in appended)
        {
            Assert.True(spool.TryPeek(out _, out _, out _));
            spool.Advance();
            bytes -= RecordLength(s);
            frames -= s.Frames;
            Assert.Equal(bytes, spool.Bytes);
            Assert.Equal(frames, spool.Frames);
        }
        Assert.Equal(0, spool.Bytes);
        Assert.Equal(0, spool.Frames);
        Assert.True(spool.IsEmpty);
    }

    [Fact]
    public void Refuses_an_append_past_max_bytes_until_an_advance_makes_room()
    {
        var s = Spooled(0);
        var limit = 3 * RecordLength(s);
        using var spool = new SinkSpool(_directory, limit);

        for (var i = 0; i < 3; i++) Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
        Assert.Equal(limit, spool.Bytes);

        Assert.False(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
        Assert.Equal(limit, spool.Bytes);
        Assert.Equal(3 * s.Frames, spool.Frames);

        spool.TryPeek(out _, out _, out _);
        spool.Advance();
        Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
        Assert.Equal(limit, spool.Bytes);
    }

    [Fact]
    public void A_refused_batch_is_not_replayed()
    {
        var small = Spooled(0);
        var big = SpooledWith(1, payloadBytes: 20_000);
        var after = Spooled(2);
        using var spool = new SinkSpool(_directory, RecordLength(small) + RecordLength(after));

        Assert.True(spool.TryAppend(small.Batch, small.Accepted, small.Rejected, small.Frames));
        Assert.False(spool.TryAppend(big.Batch, big.Accepted, big.Rejected, big.Frames));
        Assert.True(spool.TryAppend(after.Batch, after.Accepted, after.Rejected, after.Frames));

        Assert.Equal([Describe(small), Describe(after)], DrainAll(spool));
    }

    [Fact]
    public void Accepts_one_oversized_record_into_an_empty_spool_and_nothing_after_it()
    {
        var big = SpooledWith(0, payloadBytes: 5_000);
        var next = SpooledWith(1, payloadBytes: 10);
        using var spool = new SinkSpool(_directory, maxBytes: 1_000);

        Assert.True(spool.TryAppend(big.Batch, big.Accepted, big.Rejected, big.Frames));
        Assert.True(spool.Bytes > spool.MaxBytes);
        Assert.False(spool.TryAppend(next.Batch, next.Accepted, next.Rejected, next.Frames));

        Assert.Equal([Describe(big)], DrainAll(spool));
        Assert.True(spool.TryAppend(next.Batch, next.Accepted, next.Rejected, next.Frames));
    }

    [Fact]
    public void Ignoring_the_limit_appends_past_max_bytes()
    {
        var s = Spooled(0);
        using var spool = new SinkSpool(_directory, RecordLength(s));
        Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
        Assert.False(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));

        Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames, ignoreLimit: true));
        Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames, ignoreLimit: true));

        Assert.Equal(3 * RecordLength(s), spool.Bytes);
        Assert.Equal(3, DrainAll(spool).Count);
    }

    [Fact]
    public void A_segment_left_by_the_previous_record_version_is_replayed_after_an_upgrade()
    {
        // As an older ActorNet left it at a crash: one segment, no position file yet.
        Directory.CreateDirectory(_directory);
        var body = SpoolRecordV1.Body();
        var record = new byte[HeaderLength + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), ActorNet.IO.Crc32.Compute(body));
        body.CopyTo(record, HeaderLength);
        File.WriteAllBytes(Path.Combine(_directory, "000000000001.seg"), record);

        using var spool = new SinkSpool(_directory, RollingLimit);

        Assert.Equal(0, spool.DroppedAtOpen);
        Assert.Equal(2, spool.Frames);
        Assert.True(spool.TryPeek(out var batch, out var accepted, out var rejected));
        Assert.Equal(
            $"{new ConnectionInfo(SpoolRecordV1.Source, SpoolRecordV1.Connection, SpoolRecordV1.Peer)} Text {SpoolRecordV1.ReceivedAt:O} accepted=True rejected=True " +
            $"[12:A:{Convert.ToHexString("alpha"u8)} 13:R:invalid-utf8:byte 0xFF at offset 1:61FF:9]",
            Describe(batch, accepted, rejected));
        spool.Advance();
        // Appends after it are in today's version, and come back with their subject.
        var withSubject = TestBatches.From(TestBatches.Connection with { ClientSubject = "CN=device-1" }, PayloadFormat.Text, 40, "after the upgrade");
        Assert.True(spool.TryAppend(withSubject, accepted: true, rejected: false, frames: 1));
        Assert.True(spool.TryPeek(out var next, out _, out _));
        Assert.Equal("CN=device-1", next.Connection.ClientSubject);
    }

    [Fact]
    public void A_reopened_spool_resumes_at_the_saved_position()
    {
        var appended = Enumerable.Range(0, 10).Select(Spooled).ToList();
        using (var spool = new SinkSpool(_directory, RollingLimit))
        {
            foreach (var s in appended) spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames);
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(Describe(appended[i]), Peek(spool));
                spool.Advance();
            }
        }

        using var reopened = new SinkSpool(_directory, RollingLimit);

        Assert.False(reopened.IsEmpty);
        Assert.Equal(appended.Skip(4).Sum(RecordLength), reopened.Bytes);
        Assert.Equal(appended.Skip(4).Sum(s => s.Frames), reopened.Frames);
        Assert.Equal(appended.Skip(4).Select(Describe), DrainAll(reopened));
    }

    [Fact]
    public void A_reopened_spool_resumes_across_segments_and_appends_after_what_it_found()
    {
        var appended = Enumerable.Range(0, 30).Select(Spooled).ToList();
        var later = Enumerable.Range(30, 5).Select(Spooled).ToList();
        using (var spool = new SinkSpool(_directory, RollingLimit))
        {
            foreach (var s in appended) spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames);
            Assert.True(SegmentFiles().Length >= 3, $"{SegmentFiles().Length} segment(s) for {spool.Bytes} bytes");
            for (var i = 0; i < 17; i++)
            {
                spool.TryPeek(out _, out _, out _);
                spool.Advance();
            }
        }

        using (var reopened = new SinkSpool(_directory, RollingLimit))
        {
            foreach (var s in later) Assert.True(reopened.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
            for (var i = 17; i < 20; i++)
            {
                Assert.Equal(Describe(appended[i]), Peek(reopened));
                reopened.Advance();
            }
        }

        using var again = new SinkSpool(_directory, RollingLimit);
        Assert.Equal(appended.Skip(20).Concat(later).Select(Describe), DrainAll(again));
    }

    [Fact]
    public void A_reopened_spool_that_was_fully_replayed_is_empty_and_appends_again()
    {
        var first = Spooled(0);
        var second = Spooled(1);
        using (var spool = new SinkSpool(_directory, RollingLimit))
        {
            spool.TryAppend(first.Batch, first.Accepted, first.Rejected, first.Frames);
            DrainAll(spool);
        }

        using (var reopened = new SinkSpool(_directory, RollingLimit))
        {
            Assert.True(reopened.IsEmpty);
            Assert.Equal(0, reopened.Bytes);
            Assert.False(reopened.TryPeek(out _, out _, out _));
            Assert.True(reopened.TryAppend(second.Batch, second.Accepted, second.Rejected, second.Frames));
        }

        using var again = new SinkSpool(_directory, RollingLimit);
        Assert.Equal([Describe(second)], DrainAll(again));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(HeaderLength)]
    [InlineData(HeaderLength + 1)]
    public void A_torn_last_record_is_dropped_at_reopen_and_the_records_before_it_survive(int bytesLost)
    {
        var appended = Enumerable.Range(0, 6).Select(Spooled).ToList();
        WriteAndClose(appended);
        var last = SegmentFiles()[^1];
        using (var file = new FileStream(last, FileMode.Open, FileAccess.Write))
            file.SetLength(file.Length - bytesLost);

        using var reopened = new SinkSpool(_directory, RollingLimit);

        Assert.Equal(appended.SkipLast(1).Sum(RecordLength), reopened.Bytes);
        Assert.Equal(appended.SkipLast(1).Sum(s => s.Frames), reopened.Frames);
        Assert.Equal(appended.SkipLast(1).Sum(RecordLength), new FileInfo(last).Length);
        Assert.Equal(appended.SkipLast(1).Select(Describe), DrainAll(reopened));
    }

    [Fact]
    public void A_segment_whose_only_record_was_torn_is_deleted_at_reopen()
    {
        var appended = new List<SpooledBatch>();
        using (var spool = new SinkSpool(_directory, RollingLimit))
        {
            // Up to the append that opens a second segment: that record is the second segment's only one.
            for (var n = 0; SegmentFiles().Length < 2; n++)
            {
                var s = Spooled(n);
                Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
                appended.Add(s);
            }
            spool.Sync();
        }
        var last = SegmentFiles()[^1];
        using (var file = new FileStream(last, FileMode.Open, FileAccess.Write))
            file.SetLength(file.Length - 3);

        using var reopened = new SinkSpool(_directory, RollingLimit);

        Assert.False(File.Exists(last), "a segment holding nothing to replay is removed");
        Assert.Equal(appended.SkipLast(1).Select(Describe), DrainAll(reopened));
        Assert.Empty(SegmentFiles());
    }

    [Fact]
    public void A_last_record_with_a_flipped_byte_is_dropped_at_reopen()
    {
        var appended = Enumerable.Range(0, 6).Select(Spooled).ToList();
        WriteAndClose(appended);
        var last = SegmentFiles()[^1];
        var bytes = File.ReadAllBytes(last);
        // A byte inside the last record's payload: the length still fits, only the CRC tells.
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(last, bytes);

        using var reopened = new SinkSpool(_directory, RollingLimit);

        Assert.Equal(appended.SkipLast(1).Select(Describe), DrainAll(reopened));
    }

    [Fact]
    public void Half_a_header_left_by_a_crash_is_dropped_and_appends_follow_the_survivors()
    {
        var appended = Enumerable.Range(0, 3).Select(Spooled).ToList();
        var later = Spooled(3);
        WriteAndClose(appended);
        using (var file = new FileStream(SegmentFiles()[^1], FileMode.Append, FileAccess.Write))
            file.Write([0x10, 0x00, 0x00]);

        using (var reopened = new SinkSpool(_directory, RollingLimit))
            Assert.True(reopened.TryAppend(later.Batch, later.Accepted, later.Rejected, later.Frames));

        using var again = new SinkSpool(_directory, RollingLimit);
        Assert.Equal(appended.Append(later).Select(Describe), DrainAll(again));
    }

    [Fact]
    public void Segments_roll_and_fully_replayed_segments_are_deleted()
    {
        var appended = Enumerable.Range(0, 30).Select(Spooled).ToList();
        using var spool = new SinkSpool(_directory, RollingLimit);
        foreach (var s in appended) spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames);
        var segments = SegmentFiles().Length;
        Assert.True(segments >= 3, $"{segments} segment(s) for {spool.Bytes} bytes");
        Assert.All(SegmentFiles(), f => Assert.True(new FileInfo(f).Length <= 64 * 1024, $"{f}: {new FileInfo(f).Length} bytes"));

        var counts = new List<int>();
        foreach (var s in appended)
        {
            Assert.Equal(Describe(s), Peek(spool));
            spool.Advance();
            counts.Add(SegmentFiles().Length);
        }

        // A segment holds several records, so it goes exactly when its last record is replayed: one at a time.
        Assert.Equal(segments, counts[0]);
        Assert.True(counts.Zip(counts.Skip(1)).All(pair => pair.Second == pair.First || pair.Second == pair.First - 1), string.Join(",", counts));
        Assert.Equal(0, counts[^1]);
        Assert.Empty(SegmentFiles());
    }

    [Fact]
    public void An_emptied_spool_takes_appends_again_and_replays_only_them()
    {
        var before = Enumerable.Range(0, 15).Select(Spooled).ToList();
        var after = Enumerable.Range(15, 15).Select(Spooled).ToList();
        using var spool = new SinkSpool(_directory, RollingLimit);
        foreach (var s in before) spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames);
        Assert.Equal(before.Select(Describe), DrainAll(spool));
        Assert.True(spool.IsEmpty);
        Assert.Equal(0, spool.Bytes);
        Assert.Equal(0, spool.Frames);

        foreach (var s in after) Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));

        Assert.Equal(after.Sum(RecordLength), spool.Bytes);
        Assert.Equal(after.Select(Describe), DrainAll(spool));
        Assert.Empty(SegmentFiles());
    }

    [Fact]
    public void Appends_interleaved_with_replay_come_back_in_order()
    {
        var appended = Enumerable.Range(0, 40).Select(Spooled).ToList();
        using var spool = new SinkSpool(_directory, RollingLimit);
        var replayed = new List<string>();
        var next = 0;
        // Two in, one out, as during an outage that is ending while batches still arrive.
        while (next < appended.Count)
        {
            for (var i = 0; i < 2 && next < appended.Count; i++, next++)
                spool.TryAppend(appended[next].Batch, appended[next].Accepted, appended[next].Rejected, appended[next].Frames);
            replayed.Add(Peek(spool));
            spool.Advance();
        }
        replayed.AddRange(DrainAll(spool));

        Assert.Equal(appended.Select(Describe), replayed);
        Assert.Empty(SegmentFiles());
    }

    public sealed record SpooledBatch(ParsedBatch Batch, bool Accepted, bool Rejected, int Frames);

    /// <summary>Batch <paramref name="n"/>: two payloads and a rejection, seqs 3n+1..3n+3; which part is written varies with n.</summary>
    private static SpooledBatch Spooled(int n) => SpooledWith(n, payloadBytes: 9_000);

    private static SpooledBatch SpooledWith(int n, int payloadBytes)
    {
        var accepted = n % 4 != 3;
        var rejected = n % 3 == 0;
        var padding = new string((char)('a' + n % 26), payloadBytes);
        var batch = TestBatches.Of(PayloadFormat.Text, 3L * n + 1, $"batch {n} {padding}",
            TestBatches.Rejected("invalid-utf8", $"batch {n} byte 0xFF", [(byte)n, 0xFF], rawLength: 100 + n), $"batch {n} last");
        return new SpooledBatch(batch, accepted, rejected, (accepted ? 2 : 0) + (rejected ? 1 : 0));
    }

    private static long RecordLength(SpooledBatch s)
    {
        var body = new ArrayBufferWriter<byte>();
        SpoolRecord.Write(body, s.Batch, s.Accepted, s.Rejected);
        return HeaderLength + body.WrittenCount;
    }

    /// <summary>What the sink writes from a batch, entry by entry: an entry it does not write keeps only its seq.</summary>
    private static string Describe(ParsedBatch batch, bool accepted, bool rejected)
    {
        var entries = Enumerable.Range(0, batch.Count).Select(i =>
        {
            if (batch.Rejections?[i] is { } r)
                return rejected ? $"{batch.Seq(i)}:R:{r.Reason}:{r.Error}:{Convert.ToHexString(r.Raw.Span)}:{r.RawLength}" : $"{batch.Seq(i)}:R:{r.RawLength}";
            return accepted ? $"{batch.Seq(i)}:A:{Convert.ToHexString(batch.Payload(i).Span)}" : $"{batch.Seq(i)}:A";
        });
        return $"{batch.Connection} {batch.Format} {batch.Frames.ReceivedAt:O} accepted={accepted} rejected={rejected} [{string.Join(" ", entries)}]";
    }

    private static string Describe(SpooledBatch s) => Describe(s.Batch, s.Accepted, s.Rejected);

    private static string Peek(SinkSpool spool)
    {
        Assert.True(spool.TryPeek(out var batch, out var accepted, out var rejected), "the spool is empty");
        return Describe(batch, accepted, rejected);
    }

    private static List<string> DrainAll(SinkSpool spool)
    {
        var replayed = new List<string>();
        while (spool.TryPeek(out var batch, out var accepted, out var rejected))
        {
            replayed.Add(Describe(batch, accepted, rejected));
            spool.Advance();
        }
        return replayed;
    }

    private void WriteAndClose(IEnumerable<SpooledBatch> batches)
    {
        using var spool = new SinkSpool(_directory, RollingLimit);
        foreach (var s in batches) Assert.True(spool.TryAppend(s.Batch, s.Accepted, s.Rejected, s.Frames));
        spool.Sync();
    }

    private string[] SegmentFiles() =>
        Directory.Exists(_directory) ? Directory.GetFiles(_directory, "*.seg").Order(StringComparer.Ordinal).ToArray() : [];
}
