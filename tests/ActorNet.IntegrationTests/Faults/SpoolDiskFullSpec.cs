using ActorNet.IntegrationTests.Executable;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using Akka.Event;
using Xunit;

namespace ActorNet.IntegrationTests.Faults;

/// <summary>
/// A spool on a small filesystem that fills while the store is down. Once the disk is full the spool refuses
/// batches (held in memory, unacknowledged, so sources stop reading); when the store returns, the replay must
/// free the disk without tripping over it: saving the replay position on a full disk once threw, restarted the
/// sink, replayed the first record again, and after ten restarts the sink was stopped for good with
/// acknowledged frames stranded in the spool.
/// </summary>
public sealed class SpoolDiskFullSpec : HttpTestKit
{
    private const int Peers = 3;
    private const int LinesPerPeer = 20_000;

    [ScratchFilesystemFact]
    public async Task Every_frame_acknowledged_from_a_spool_whose_disk_filled_is_stored_exactly_once_when_the_store_returns()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        using var spool = ScratchFilesystem.Mount(1024 * 1024);
        using var directory = new TempDirectory();
        var store = directory.File("store");
        var database = store + "/actornet.db";
        // A file where the database's directory should be: the store cannot open until the test removes it.
        await File.WriteAllTextAsync(store, "not a directory");
        await StartAsync(sourceSettings: "ack.enabled = on", sinks: ($"sinks = [ {DataSink} ], quarantine = {DataSink}",
            $"{DataSink} {{ type = sqlite, path = \"{database}\", spool-dir = \"{spool.Path}\", max-spool-size = 64 MiB, flush-interval = 50ms }}"));
        var sink = Service.Status.Sink(DataSink)!;

        var peers = new List<AckingPeer>();
        try
        {
            for (var p = 0; p < Peers; p++) peers.Add(await AckingPeer.ConnectAsync(Port, $"peer{p}"));
            var sending = peers.Select(peer => peer.SendLinesAsync(1, LinesPerPeer)).ToArray();

            // The disk is full: the spool refused a batch (max-spool-size is far above the filesystem's size).
            errors.FishForMessage<Error>(e => e.Message?.ToString()?.Contains("could not spool a batch", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(60));
            // What the spool took is acknowledged at its next sync, full disk or not.
            await PollAsync(() => Task.FromResult(peers.Sum(peer => peer.HighestAck)), n => n > 0, n => $"ACKs for spooled frames; {n}");
            Assert.True(new DriveInfo(spool.Path).AvailableFreeSpace < 128 * 1024, $"{new DriveInfo(spool.Path).AvailableFreeSpace} bytes still free on the spool's disk");
            Assert.Equal(SinkStates.Failing, sink.State);

            File.Delete(store);
            await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(90));
            await PollAsync(() => Task.FromResult(peers.Min(peer => peer.HighestAck)), n => n == LinesPerPeer,
                n => $"every line acknowledged; lowest highest-ACK {n}, sink {sink.State} ({sink.LastError}), backlog {sink.BacklogFrames}");

            // An ACK from the spool means durable on disk: the store may still be replaying it.
            var rows = await PollAsync(() => Task.FromResult(StoredRows.Read(database, SourceName)), r => r.Count >= Peers * LinesPerPeer,
                r => $"{r.Count} of {Peers * LinesPerPeer} rows stored; backlog {sink.BacklogFrames}");
            foreach (var peer in peers)
            {
                var mine = rows.Where(r => r.Payload!.StartsWith(peer.Name + " ", StringComparison.Ordinal)).ToArray();
                Assert.Equal(Enumerable.Range(1, LinesPerPeer).Select(seq => peer.Line(seq)), mine.Select(r => r.Payload));
                Assert.Equal(Enumerable.Range(1, LinesPerPeer).Select(seq => (long)seq), mine.Select(r => r.Seq));
                Assert.Null(peer.Violation);
            }
            Assert.Equal(Peers * LinesPerPeer, rows.Count);
            Assert.Equal(SinkStates.Writing, sink.State);
            // The rows are visible once the store commits; the sink counts its backlog down and deletes the replayed
            // segments just after. Exactly zero: CI saw 846 and later -1,989 here, batches held behind the full spool
            // counted out after their connection had refilled them (SinkBacklogSpec).
            await PollAsync(() => Task.FromResult((sink.BacklogFrames, Segments: Directory.GetFiles(spool.Path, "*.seg", SearchOption.AllDirectories).Length)),
                left => left == (0, 0), left => $"no backlog and no spool segment left; backlog {left.BacklogFrames}, {left.Segments} segment(s)");
            // The sink was never restarted or stopped: either would log at Error level from the sink's actor.
            var sinkFailures = errors.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => (Error)m)
                .Where(e => e.Cause is not null || e.Message?.ToString()?.Contains("stopped for good", StringComparison.Ordinal) == true)
                .Select(e => $"{e.LogSource}: {e.Message} {e.Cause?.GetType().Name}")
                .Where(text => !text.Contains("could not spool a batch", StringComparison.Ordinal) && !text.Contains("cannot open", StringComparison.Ordinal)
                               && !text.Contains("failed to write", StringComparison.Ordinal))
                .ToArray();
            Assert.Empty(sinkFailures);
        }
        finally
        {
            foreach (var peer in peers) await peer.DisposeAsync();
        }
    }
}
