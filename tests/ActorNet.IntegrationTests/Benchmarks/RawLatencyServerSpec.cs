using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorNet.Benchmarks.Latency;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Benchmarks;

/// <summary>
/// The latency mode's raw baseline over a real loopback socket: every line counts once however the writes cut it,
/// a stamped line's send→read is recorded, an unstamped one is counted as such, and a peer's close ends its loop.
/// </summary>
public sealed class RawLatencyServerSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Counts_lines_cut_anywhere_and_reads_their_stamps()
    {
        await using var server = new RawLatencyServer();
        server.Recorder.Timeline.Start = Stopwatch.GetTimestamp();
        using var peer = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await peer.ConnectAsync(server.EndPoint);

        byte[] wire = [.. Stamped(), .. Stamped(), .. "no stamp here\n"u8, .. Stamped()];
        // Cut inside the second line's stamp and again inside the unstamped line: lines span reads.
        int[] cuts = [Stamped().Length + 7, Stamped().Length * 2 + 4, wire.Length];
        int from = 0;
        foreach (int cut in cuts)
        {
            await peer.SendAsync(wire.AsMemory(from, cut - from));
            from = cut;
            // Each piece must arrive as a read of its own before the next, or the cut would not be exercised.
            int expected = Encoding.ASCII.GetString(wire, 0, cut).Count(c => c == '\n');
            await Eventually.TrueAsync(() => server.Recorder.Frames == expected, Bound,
                () => $"{expected} lines counted after {cut} bytes; counted {server.Recorder.Frames}");
        }

        Assert.Equal(4, server.Recorder.Frames);
        Assert.Equal(1, server.Recorder.Unstamped);
        Assert.Equal(3, server.Recorder.SendToSink.Count);
        Assert.Equal(4, server.Recorder.ReadToSink.Count);
        // A stamp taken just before the send is read back as a wait of less than the whole test.
        Assert.InRange(server.Recorder.SendToSink.Max, 0, (long)Bound.TotalNanoseconds);
        // The timeline holds the four lines too (summed over its seconds: a slow machine may spill into a second one).
        long inTimeline = server.Recorder.Timeline.Describe().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Sum(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(4, inTimeline);
    }

    [Fact]
    public async Task A_closed_peer_leaves_no_loop_behind()
    {
        var server = new RawLatencyServer();
        using (var peer = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        {
            await peer.ConnectAsync(server.EndPoint);
            await peer.SendAsync(Stamped());
            await Eventually.TrueAsync(() => server.Recorder.Frames == 1, Bound, () => "the line counted");
        }

        // Dispose waits for the loops; it must come back well within its own bound (5 s) with the peer gone.
        var clock = Stopwatch.StartNew();
        await server.DisposeAsync();
        await server.DisposeAsync(); // twice, as the latency phase does: the second is a no-op
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"dispose took {clock.Elapsed}");
    }

    private static byte[] Stamped()
    {
        var line = new byte[SendStamp.MinimumPayload + 10];
        SendStamp.Write(line, Stopwatch.GetTimestamp());
        line.AsSpan(SendStamp.Width).Fill((byte)'x');
        line[^1] = (byte)'\n';
        return line;
    }
}
