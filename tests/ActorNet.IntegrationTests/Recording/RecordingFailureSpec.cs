using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>A recording that cannot be written costs the recording its records, counted, and never ingestion a frame.</summary>
public sealed class RecordingFailureSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_recording_directory_that_cannot_be_created_drops_records_and_ingestion_goes_on()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("record-fail");
        var port = Loopback.FreePort();
        // A path through a regular file cannot become a directory, even for root.
        await File.WriteAllTextAsync(directory.File("not-a-dir"), "");
        using var dropped = new MetricTotal("actornet.record.dropped", source);

        await using var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            $$"""record { enabled = on, dir = "{{directory.File("not-a-dir/recordings")}}" }"""));
        await ChunkedPeers.SendAsync(port, peers: 5, lines: 100, seed: 3);

        var expected = ChunkedPeers.ExpectedRecords(5, 100);
        await Eventually.TrueAsync(() => RecordedRecords.Read(directory).Count == expected, Bound,
            () => $"{expected} records stored; {RecordedRecords.Read(directory).Count} so far");
        await Eventually.TrueAsync(() => dropped.Total > 0, Bound, () => "records counted in actornet.record.dropped");
        Assert.Contains(actorNet.Log.Lines, l => l.Contains($"Source {source} cannot write its recording", StringComparison.Ordinal));
    }

    [ScratchFilesystemFact]
    public async Task A_full_disk_drops_records_and_ingestion_goes_on()
    {
        using var directory = new TempDirectory();
        using var disk = ScratchFilesystem.Mount(256 * 1024);
        var source = TestConfig.UniqueSourceName("record-full");
        var port = Loopback.FreePort();
        using var dropped = new MetricTotal("actornet.record.dropped", source);
        using var written = new MetricTotal("actornet.record.written.bytes", source);

        await using var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            $$"""record { enabled = on, dir = "{{disk.File("recordings")}}", max-size = 16 MiB, buffer = 1 MiB }"""));
        // About 1.6 MiB of lines: far more than the 256 KiB filesystem holds. The writer writes a block whole, and a
        // buffer of 1 MiB makes blocks of at most 64 KiB, so the first ones fit before the disk fills (with the default
        // 1 MiB blocks a writer that fell behind could fail its very first write).
        await ChunkedPeers.SendAsync(port, peers: 10, lines: 2000, seed: 4);

        var expected = ChunkedPeers.ExpectedRecords(10, 2000);
        await Eventually.TrueAsync(() => RecordedRecords.Read(directory).Count == expected, Bound,
            () => $"{expected} records stored; {RecordedRecords.Read(directory).Count} so far");
        await Eventually.TrueAsync(() => dropped.Total > 0, Bound, () => "records counted in actornet.record.dropped");
        Assert.True(written.Total > 0, "some records were written before the disk filled");
        Assert.Contains(actorNet.Log.Lines, l => l.Contains($"Source {source} cannot write its recording", StringComparison.Ordinal));
    }
}
