using Xunit;

namespace ActorNet.IntegrationTests.Actors;

public sealed class BackPressureSpec : ActorNetTestKit
{
    private const int MaxInflight = 200;
    private const int Frames = 200_000;

    [Fact]
    public async Task A_slow_sink_stops_the_connection_reading_until_it_catches_up_and_loses_nothing()
    {
        using var framesRead = new MetricTotal("actornet.frames.received", SourceName);
        using var inflight = new MetricTotal("actornet.inflight.frames", SourceName);
        using var bytesRead = new MetricTotal("actornet.bytes.received", SourceName);
        var gate = new SemaphoreSlim(0, 1);
        StartActorNet($"max-inflight-frames = {MaxInflight}, read-buffer-size = 16 KiB, max-inflight-bytes = 1 MiB", gate);

        var stream = BuildStream(out var totalBytes);
        using var peer = await ConnectAsync();
        var sending = peer.SendAsync(stream);

        // The sink is stuck on its first batch: the connection must stop at its credit limit, so the rest of the
        // 20 MB waits in the peer's socket (its TCP window is full) instead of in ActorNet's memory.
        AwaitAssert(() => Assert.True(inflight.Total >= MaxInflight), TimeSpan.FromSeconds(5));
        var readAtStall = framesRead.Total;
        var bytesAtStall = bytesRead.Total;
        ExpectNoMsg(TimeSpan.FromSeconds(1));
        Assert.Equal(readAtStall, framesRead.Total);
        Assert.Equal(bytesAtStall, bytesRead.Total);
        Assert.False(sending.IsCompleted, "the sender must be blocked by TCP flow control");
        Assert.True(readAtStall < MaxInflight + 16 * 1024, $"read {readAtStall} frames while the sink was stuck");
        // What ActorNet holds is what it read: a few reads' worth, while the other megabytes wait in the socket.
        Assert.True(bytesAtStall < 4 * 16 * 1024 + MaxInflight * 100,
            $"read {bytesAtStall / 1024} KiB of the {totalBytes / 1024} KiB sent while the sink was stuck");

        gate.Release();
        await sending.WaitAsync(TimeSpan.FromSeconds(60));
        AwaitAssert(() => Assert.Equal(Frames, Data.Count), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        var seqs = Data.Select(r => r.Seq).ToArray();
        Assert.Equal(Enumerable.Range(1, Frames).Select(i => (long)i), seqs);
        Assert.Equal(Enumerable.Range(0, Frames).Select(Line), Data.Select(r => r.Payload));
        Assert.Empty(Quarantine);
    }

    private static string Line(int i) => $"frame {i:D8} " + new string('x', 80);

    private static byte[] BuildStream(out int totalBytes)
    {
        var text = string.Concat(Enumerable.Range(0, Frames).Select(i => Line(i) + "\n"));
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        totalBytes = bytes.Length;
        return bytes;
    }
}
