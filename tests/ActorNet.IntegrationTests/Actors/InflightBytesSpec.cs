using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using ActorNet.Hosting;
using Xunit;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>
/// max-inflight-bytes with a sink that never acknowledges until the test opens its gate. The bound enforced: a read
/// starts only while what the connection holds plus the read buffer it rents fits in the limit, so with frames of
/// at most half a read buffer it never holds more than max-inflight-bytes + read-buffer-size (the buffer left
/// holding the partial frame after the last read). The frame limit is set out of reach, so bytes are what stop it.
/// What a batch holds is sized to its data: reads adapt between min-read-buffer-size and read-buffer-size, and a
/// read whose frames use little of its buffer hands its batch a right-sized copy.
/// </summary>
public sealed class InflightBytesSpec : ActorNetTestKit
{
    private const int ReadBuffer = 4 * 1024;
    private const int Limit = 32 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly string Settings =
        $"max-inflight-frames = 1000000, read-buffer-size = {ReadBuffer} B, max-inflight-bytes = {Limit} B";

    [Fact]
    public async Task A_peer_sending_one_small_line_per_read_pins_a_buffer_of_the_lines_size_not_a_read_buffer()
    {
        using var metric = new MetricTotal("actornet.inflight.bytes", SourceName);
        var gate = new SemaphoreSlim(0, 1);
        // Fixed 64 KiB reads, the worst case for a small line: each read used to pin a whole 64 KiB buffer.
        var service = StartActorNet(
            "max-inflight-frames = 1000000, read-buffer-size = 64 KiB, min-read-buffer-size = 64 KiB, max-inflight-bytes = 256 KiB", gate);
        using var peer = await ConnectAsync();
        peer.NoDelay = true;
        var connection = await TheConnection(service);

        // One 15-byte line per read: each is sent once the previous one was read, and nothing is acknowledged.
        const int total = 40;
        var sent = 0L;
        for (var i = 0; i < total; i++)
        {
            sent += await peer.SendAsync(Encoding.ASCII.GetBytes(Line(i) + "\n"));
            await Eventually.TrueAsync(() => connection.BytesReceived == sent, Bound,
                () => $"frame {i} read; {connection.BytesReceived} of {sent} bytes read, {connection.HeldBytes} held");
        }
        // Every batch holds a 16-byte copy of its line (pooled arrays are powers of two); the read buffers went back.
        Assert.Equal(total, connection.FramesReceived);
        Assert.Equal(total * 16, connection.HeldBytes);
        Assert.Equal(connection.HeldBytes, service.Status.Source(SourceName)!.HeldBytes);
        Assert.Equal(connection.HeldBytes, metric.Total);

        gate.Release();
        await DeliveredAndReleased(service, peer, connection, metric, total, Line);
    }

    [Fact]
    public async Task A_streaming_peer_reads_grow_to_read_buffer_size()
    {
        using var reads = new MetricTotal("actornet.socket.reads", SourceName);
        var service = StartActorNet(
            "max-inflight-frames = 1000000, read-buffer-size = 64 KiB, min-read-buffer-size = 1 KiB, max-inflight-bytes = 1 MiB");
        using var peer = await ConnectAsync();
        var connection = await TheConnection(service);
        const int total = 200_000;
        var stream = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, total).Select(i => LongLine(i) + "\n")));

        await peer.SendAsync(stream);

        await Eventually.TrueAsync(() => Data.Count == total, Bound * 3, () => $"{total} frames delivered; {Data.Count} so far");
        // 20 MB in reads that start at 1 KiB: only reads that grow towards 64 KiB keep the count this low.
        var perRead = connection.BytesReceived / Math.Max(1, reads.Total);
        Assert.True(perRead >= 8 * 1024, $"{perRead} bytes per read over {reads.Total} reads");
    }

    [Fact]
    public async Task A_peer_sending_large_writes_is_stopped_within_the_limit_plus_one_read_buffer()
    {
        using var metric = new MetricTotal("actornet.inflight.bytes", SourceName);
        var gate = new SemaphoreSlim(0, 1);
        var service = StartActorNet(Settings, gate);
        using var peer = await ConnectAsync();
        var connection = await TheConnection(service);
        // 20 MB: more than the loopback socket buffers take, so that the sender is left waiting on TCP flow control.
        const int total = 200_000;
        var stream = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, total).Select(i => LongLine(i) + "\n")));

        var sending = peer.SendAsync(stream);
        await Eventually.TrueAsync(() => connection.HeldBytes >= Limit - ReadBuffer, Bound,
            () => $"the budget nearly spent; {connection.HeldBytes} held");
        await HoldsStill(connection, Limit + ReadBuffer);
        Assert.True(connection.BytesReceived <= Limit + ReadBuffer,
            $"read {connection.BytesReceived} of {stream.Length} bytes while the sink was stuck");
        Assert.False(sending.IsCompleted, "the sender must be blocked by TCP flow control");
        Assert.Equal(connection.HeldBytes, service.Status.Source(SourceName)!.HeldBytes);
        Assert.Equal(connection.HeldBytes, metric.Total);

        gate.Release();
        await sending.WaitAsync(Bound);
        await DeliveredAndReleased(service, peer, connection, metric, total, LongLine);
    }

    [Fact]
    public async Task A_frame_longer_than_the_limit_is_still_read_whole()
    {
        var service = StartActorNet(Settings + ", framing.max-frame-length = 1 MiB");
        using var peer = await ConnectAsync();
        var frame = new string('x', 4 * Limit);

        await peer.SendAsync(Encoding.ASCII.GetBytes(frame + "\n" + Line(1) + "\n"));

        await Eventually.TrueAsync(() => Data.Count == 2, Bound, () => $"both frames delivered; {Data.Count} so far");
        Assert.Equal([frame, Line(1)], Data.Select(r => r.Payload));
        Assert.Empty(Quarantine);
    }

    private static string Line(int i) => $"frame {i:D8}";

    private static string LongLine(int i) => Line(i) + new string('x', 86);

    private static async Task<ConnectionStatus> TheConnection(ActorNetService service) =>
        (await Eventually.ValueAsync(() => service.Status.Connections.FirstOrDefault(), c => c is not null, Bound, "the connection"))!;

    /// <summary>
    /// Watches a stalled connection for a second: nothing is acknowledged, so what it holds can only grow, and it must
    /// neither exceed <paramref name="most"/> nor read anything more.
    /// </summary>
    private static async Task HoldsStill(ConnectionStatus connection, long most)
    {
        var read = connection.BytesReceived;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            Assert.True(connection.HeldBytes <= most, $"held {connection.HeldBytes} bytes, more than {most}");
            await Task.Delay(20);
        }
        Assert.Equal(read, connection.BytesReceived);
    }

    private async Task DeliveredAndReleased(ActorNetService service, Socket peer, ConnectionStatus connection, MetricTotal metric, int total,
        Func<int, string> line)
    {
        await Eventually.TrueAsync(() => Data.Count == total, Bound * 3, () => $"{total} frames delivered; {Data.Count} so far");
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), Data.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(0, total).Select(line), Data.Select(r => r.Payload));
        Assert.Empty(Quarantine);
        // Every batch acknowledged and released; at most a read buffer is left, when the last read filled its
        // buffer and a receive now waits in a fresh one.
        var source = service.Status.Source(SourceName)!;
        await Eventually.TrueAsync(() => connection.HeldBytes <= ReadBuffer && metric.Total == connection.HeldBytes && source.HeldBytes == connection.HeldBytes,
            Bound, () => $"every batch released; {connection.HeldBytes} held, metric {metric.Total}, source {source.HeldBytes}");

        peer.Shutdown(SocketShutdown.Both);
        await Eventually.TrueAsync(() => service.Status.Connection(connection.Id) is null && metric.Total == 0 && source.HeldBytes == 0, Bound,
            () => $"nothing held once the connection closed; metric {metric.Total}, source {source.HeldBytes}");
    }
}
