using ActorNet.Configuration;
using ActorNet.Protocol;
using ActorNet.Recording;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorNet.Tests.Recording;

/// <summary>A source's recorder on real files: rolling by file-size, bounded by max-size, read back whole.</summary>
public sealed class RecordingFilesSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actornet-rec-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private SourceRecorder Recorder(long maxSize, long fileSize) =>
        new("s", new RecordSettings(true, _dir, maxSize, null, fileSize, 16L << 20), NullLogger.Instance);

    private static readonly ConnectionInfo Connection = new("s", 7, "127.0.0.1:5000");

    [Fact]
    public void Rolls_into_new_files_and_deletes_the_oldest_past_max_size()
    {
        const int maxSize = 64 * 1024, fileSize = 8 * 1024;
        using (var recorder = Recorder(maxSize, fileSize))
        {
            recorder.Opened(Connection, "127.0.0.1:7000");
            // 1000 reads of 200 bytes: 200 KB recorded, three times what max-size keeps.
            for (var i = 0; i < 1000; i++) recorder.Read(Connection, Payload(i), DateTime.UtcNow);
        }

        var files = Directory.GetFiles(Path.Combine(_dir, "s"));
        Assert.True(files.Length > 2, $"{files.Length} files");
        Assert.True(files.Sum(f => new FileInfo(f).Length) <= maxSize, $"{files.Sum(f => new FileInfo(f).Length)} bytes kept");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= fileSize, $"{f}: {new FileInfo(f).Length} bytes"));

        // What is left is the newest reads, whole and in order.
        var reader = new RecordingReader(_dir);
        var reads = reader.Events().Where(e => e.Kind == RecordKind.In).ToArray();
        Assert.Empty(reader.TornTails);
        Assert.InRange(reads.Length, 100, 999);
        var first = 1000 - reads.Length;
        for (var i = 0; i < reads.Length; i++) Assert.Equal(Payload(first + i), reads[i].Data);
        Assert.All(reads, r => Assert.Equal((7L, "127.0.0.1:5000", "s"), (r.ConnectionId, r.Peer, r.Source)));
    }

    [Fact]
    public void Records_open_reads_writes_and_close_with_their_times()
    {
        var at = new DateTime(2026, 12, 6, 6, 0, 0, DateTimeKind.Utc);
        using (var recorder = Recorder(1L << 20, 64 * 1024))
        {
            recorder.Opened(Connection, "127.0.0.1:7000");
            recorder.Read(Connection, "hel"u8, at);
            recorder.Read(Connection, "lo\n"u8, at.AddTicks(1));
            recorder.Wrote(Connection, "ACK 1\n"u8);
            recorder.Closed(Connection, "the peer closed the connection", at.AddSeconds(1));
        }

        var events = new RecordingReader(_dir).Events().ToArray();
        Assert.Equal([RecordKind.Open, RecordKind.In, RecordKind.In, RecordKind.Out, RecordKind.Close], events.Select(e => e.Kind));
        Assert.Equal("127.0.0.1:7000"u8.ToArray(), events[0].Data);
        Assert.Equal(("hel", at), (System.Text.Encoding.UTF8.GetString(events[1].Data), events[1].At));
        Assert.Equal(("lo\n", at.AddTicks(1)), (System.Text.Encoding.UTF8.GetString(events[2].Data), events[2].At));
        Assert.Equal("ACK 1\n"u8.ToArray(), events[3].Data);
        Assert.Equal(at.AddSeconds(1), events[4].At);
    }

    [Fact]
    public void Deletes_files_older_than_max_age_when_it_starts_a_file()
    {
        using (var recorder = Recorder(1L << 20, 64 * 1024)) recorder.Read(Connection, Payload(0), DateTime.UtcNow);
        var old = Directory.GetFiles(Path.Combine(_dir, "s")).Single();
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-2));

        using (var recorder = new SourceRecorder("s", new RecordSettings(true, _dir, 1L << 20, TimeSpan.FromDays(1), 64 * 1024, 16L << 20),
                   NullLogger.Instance))
            recorder.Read(Connection, Payload(1), DateTime.UtcNow);

        var left = Directory.GetFiles(Path.Combine(_dir, "s"));
        Assert.DoesNotContain(old, left);
        Assert.Equal(Payload(1), Assert.Single(new RecordingReader(_dir).Events()).Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(30)]
    public void A_torn_last_record_is_skipped_and_reported(int cut)
    {
        using (var recorder = Recorder(1L << 20, 64 * 1024))
            for (var i = 0; i < 10; i++) recorder.Read(Connection, Payload(i), DateTime.UtcNow);
        var file = Directory.GetFiles(Path.Combine(_dir, "s")).Single();
        using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(stream.Length - cut);

        var reader = new RecordingReader(_dir);
        var reads = reader.Events().ToArray();

        Assert.Equal(9, reads.Length);
        Assert.Equal(Payload(8), reads[^1].Data);
        Assert.Equal(file, Assert.Single(reader.TornTails).File);
    }

    [Fact]
    public void A_record_whose_bytes_changed_ends_its_file_at_the_crc_check()
    {
        using (var recorder = Recorder(1L << 20, 64 * 1024))
            for (var i = 0; i < 10; i++) recorder.Read(Connection, Payload(i), DateTime.UtcNow);
        var file = Directory.GetFiles(Path.Combine(_dir, "s")).Single();
        var bytes = File.ReadAllBytes(file);
        bytes[^5] ^= 0xFF; // inside the last record's data
        File.WriteAllBytes(file, bytes);

        var reader = new RecordingReader(_dir);

        Assert.Equal(9, reader.Events().Count());
        Assert.Equal("CRC mismatch", Assert.Single(reader.TornTails).Reason);
    }

    private static byte[] Payload(int i) => Enumerable.Range(0, 200).Select(b => (byte)(b + i)).ToArray();
}
