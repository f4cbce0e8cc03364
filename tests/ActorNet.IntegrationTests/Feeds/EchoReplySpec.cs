using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Actors;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Feeds;

public sealed class EchoReplySpec : ActorNetTestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Echo_writes_each_line_back_to_its_peer_and_still_delivers_it()
    {
        StartActorNet("reply = echo");
        using var peer = await ConnectAsync();
        using var other = await ConnectAsync();

        // A frame split across writes is echoed once, when complete.
        await peer.SendAsync("one\ntwo\nthr"u8.ToArray());
        await peer.SendAsync("ee\n"u8.ToArray());
        await other.SendAsync("other\n"u8.ToArray());

        Assert.Equal("one\ntwo\nthree\n", await ReceiveExactlyAsync(peer, "one\ntwo\nthree\n".Length));
        Assert.Equal("other\n", await ReceiveExactlyAsync(other, "other\n".Length));
        await Eventually.TrueAsync(() => Data.Count == 4, Bound, () => $"{Data.Count} record(s)");
        Assert.Equal(["one", "two", "three"], Data.Where(r => r.Payload != "other").Select(r => r.Payload));
        Assert.Empty(Quarantine);
    }

    [Fact]
    public async Task Echo_writes_each_length_prefixed_frame_back_with_its_header()
    {
        StartActorNet("reply = echo\nframing { type = length-field, length-field-length = 4 }");
        using var peer = await ConnectAsync();

        byte[] sent = [.. Framed("alpha"), .. Framed(""), .. Framed("a longer frame of text")];
        // Header and payload arrive in separate writes: the echo is of the frame, not of the reads.
        await peer.SendAsync(sent.AsMemory(0, 2));
        await peer.SendAsync(sent.AsMemory(2));

        Assert.Equal(Convert.ToHexString(sent), Convert.ToHexString(await ReceiveBytesAsync(peer, sent.Length)));
        await Eventually.TrueAsync(() => Data.Count == 3, Bound, () => $"{Data.Count} record(s)");
        Assert.Equal(["alpha", "", "a longer frame of text"], Data.Select(r => r.Payload));
    }

    [Fact]
    public async Task Without_echo_nothing_is_written_back()
    {
        StartActorNet("reply = none");
        using var peer = await ConnectAsync();
        await peer.SendAsync("one\n"u8.ToArray());
        await Eventually.TrueAsync(() => Data.Count == 1, Bound, () => $"{Data.Count} record(s)");

        // Closing makes the server close too; anything it had written would be read before the end of stream.
        peer.Shutdown(SocketShutdown.Send);
        var buffer = new byte[64];
        Assert.Equal(0, await peer.ReceiveAsync(buffer).WaitAsync(Bound));
    }

    internal static byte[] Framed(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [(byte)(payload.Length >> 24), (byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];
    }

    internal static async Task<string> ReceiveExactlyAsync(Socket socket, int count) =>
        Encoding.UTF8.GetString(await ReceiveBytesAsync(socket, count));

    /// <summary>Exactly <paramref name="count"/> bytes; fails if the server closes first or they take too long.</summary>
    internal static async Task<byte[]> ReceiveBytesAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var received = 0;
        using var timeout = new CancellationTokenSource(Bound);
        while (received < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);
            if (read == 0) throw new EndOfStreamException($"closed after {received} of {count} bytes: {Encoding.UTF8.GetString(buffer, 0, received)}");
            received += read;
        }
        return buffer;
    }
}
