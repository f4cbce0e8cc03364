using System.Net;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Connections.Udp;
using ActorNet.Protocol;
using Xunit;

namespace ActorNet.Tests.Connections.Udp;

public sealed class UdpFrameCutterSpec
{
    private static readonly ConnectionInfo Peer = new("s", 1, "127.0.0.1:9");
    private static readonly SocketAddress From = new IPEndPoint(IPAddress.Loopback, 9).Serialize();

    private static UdpChunk Chunk(UdpFrameCutter cutter, params string[] datagrams)
    {
        var chunk = new UdpChunk(64 * 1024, cutter.Slot);
        foreach (var datagram in datagrams)
        {
            var room = chunk.NextRoom();
            var bytes = Encoding.UTF8.GetBytes(datagram);
            var received = Math.Min(bytes.Length, room.Length);
            bytes.AsSpan(0, received).CopyTo(room.Span);
            chunk.Add(received, From, bytes.Length);
        }
        return chunk;
    }

    private static List<FrameBatch> Cut(UdpFrameCutter cutter, UdpChunk chunk, ref long seq)
    {
        var batches = new List<FrameBatch>();
        cutter.Cut(chunk, Enumerable.Range(0, chunk.Count).ToArray(), Peer, ref seq, DateTime.UtcNow, batches);
        return batches;
    }

    private static string Text(FrameBatch batch, int index) => Encoding.UTF8.GetString(batch.FrameBytes(index));

    [Fact]
    public void Puts_consecutive_raw_datagrams_of_a_peer_in_one_batch_one_frame_each()
    {
        var cutter = new UdpFrameCutter(new RawFramingSettings(100), 64 * 1024, 4096);
        long seq = 1;

        var batch = Assert.Single(Cut(cutter, Chunk(cutter, "a", "bb", "ccc"), ref seq));

        Assert.Equal(3, batch.Count);
        Assert.Equal(1, batch.FirstSeq);
        Assert.Equal(["a", "bb", "ccc"], Enumerable.Range(0, 3).Select(i => Text(batch, i)));
        Assert.Null(batch.Rejections);
        Assert.Equal(4, seq);
    }

    [Fact]
    public void Quarantines_a_raw_datagram_longer_than_max_frame_length_with_its_first_bytes_and_length()
    {
        var cutter = new UdpFrameCutter(new RawFramingSettings(10), 64 * 1024, 4);
        long seq = 1;

        var batch = Assert.Single(Cut(cutter, Chunk(cutter, "ok", new string('x', 25)), ref seq));

        Assert.Equal("ok", Text(batch, 0));
        var rejected = Assert.IsType<RejectedFrame>(batch.Rejections![1]);
        Assert.Equal("truncated", rejected.Reason);
        Assert.Equal(25, rejected.RawLength);
        Assert.Equal("xxxx", Encoding.UTF8.GetString(rejected.Raw.Span));
        Assert.Contains("datagram of 25 bytes exceeds max-frame-length 10", rejected.Error);
    }

    [Fact]
    public void Cuts_each_datagram_on_its_own_so_that_a_line_never_spans_two()
    {
        var cutter = new UdpFrameCutter(new DelimiterFramingSettings("\n"u8.ToArray(), 100), 64 * 1024, 4096);
        long seq = 1;

        var batches = Cut(cutter, Chunk(cutter, "one\ntw", "o\nthree\n"), ref seq);

        var frames = batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (b.FirstSeq + i, b.Rejections?[i], b))).ToArray();
        Assert.Equal(4, frames.Length);
        Assert.Equal("one", Text(frames[0].b, 0));
        Assert.Equal("truncated", frames[1].Item2!.Reason);
        Assert.Equal("tw", Encoding.UTF8.GetString(frames[1].Item2!.Raw.Span));
        Assert.Equal(["o", "three"], batches.Last().Count == 2 ? [Text(batches.Last(), 0), Text(batches.Last(), 1)] : Array.Empty<string>());
        Assert.Equal([1L, 2, 3, 4], frames.Select(f => f.Item1));
    }

    [Fact]
    public void Takes_one_peers_datagrams_out_of_an_interleaved_round_in_their_order()
    {
        var cutter = new UdpFrameCutter(new RawFramingSettings(100), 64 * 1024, 4096);
        var chunk = Chunk(cutter, "a1", "b1", "a2", "b2", "a3");
        long seq = 7;
        var batches = new List<FrameBatch>();

        cutter.Cut(chunk, [0, 2, 4], Peer, ref seq, DateTime.UtcNow, batches);

        var batch = Assert.Single(batches);
        Assert.Equal(7, batch.FirstSeq);
        Assert.Equal(["a1", "a2", "a3"], Enumerable.Range(0, batch.Count).Select(i => Text(batch, i)));
        Assert.Equal(10, seq);
    }
}
