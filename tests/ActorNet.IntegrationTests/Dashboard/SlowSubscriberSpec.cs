using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>Watching must never slow ingestion: a subscriber that stops reading loses records, the sources do not wait.</summary>
public sealed class SlowSubscriberSpec
{
    private const int Frames = 20_000;
    private const int Buffer = 100;

    [Fact]
    public async Task Subscribers_that_never_read_lose_their_oldest_records_and_every_frame_still_reaches_the_other_sinks()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("slow");
        var live = TestConfig.UniqueSourceName("live");
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(source, port, directory, subscriberBuffer: Buffer, live: live));
        using var dropMetric = new SinkMetricTotal("actornet.sink.dropped", live);

        // One subscriber in the process that never reads, one browser-like socket that stops reading at once, and one
        // that keeps reading (to see the drops reported).
        using var stalled = host.Service.LiveTail.Subscribe(Buffer);
        await using var stalledSocket = await TailClient.ConnectAsync(host.WebSocket("/ws/tail"));
        stalledSocket.StopReading();
        await using var watcher = await TailClient.ConnectAsync(host.WebSocket("/ws/tail"));

        var wire = new StringBuilder();
        for (var i = 1; i <= Frames; i++) wire.Append("frame-").Append(i).Append(" ").Append('x', 100).Append('\n');
        using (var peer = await Loopback.ConnectAsync(port))
        {
            await peer.SendAsync(Encoding.ASCII.GetBytes(wire.ToString()), SocketFlags.None);
            peer.Shutdown(SocketShutdown.Send);
        }

        var stored = await Eventually.ValueAsync(() => JsonlRecords.Read(directory.File("frames.jsonl")), r => r.Count >= Frames,
            TimeSpan.FromSeconds(60), $"{Frames} frames in the jsonl sink");
        Assert.Equal(Frames, stored.Count);
        Assert.Equal($"frame-{Frames} {new string('x', 100)}", stored[^1].GetProperty("payload").GetString());

        // The stalled in-process subscriber holds exactly the newest Buffer records; the rest were dropped.
        await Eventually.TrueAsync(() => stalled.DroppedCount + stalled.Queued == Frames, TimeSpan.FromSeconds(15),
            () => $"dropped {stalled.DroppedCount} + queued {stalled.Queued} == {Frames}");
        Assert.Equal(Buffer, stalled.Queued);
        Assert.Equal(Frames - Buffer, stalled.DroppedCount);
        Assert.True(stalled.Reader.TryRead(out var oldest));
        Assert.Contains($"\"payload\":\"frame-{Frames - Buffer + 1} ", Encoding.UTF8.GetString(oldest.Json.Span));

        // Every drop is counted once, per sink and in the metric, and the watching page is told of the total.
        var sink = host.Service.Status.Sink(live)!;
        Assert.Equal(host.Service.LiveTail.Dropped, sink.Dropped);
        Assert.InRange(sink.Dropped, Frames - Buffer, 3L * Frames);
        Assert.Equal(sink.Dropped, dropMetric.Total);
        await watcher.WaitForAsync(m => TailClient.Kind(m) == "stats" && m.GetProperty("droppedTotal").GetInt64() >= Frames - Buffer, 1,
            "a stats message reporting the drops");
    }
}
