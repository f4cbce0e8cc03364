using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>
/// Peers that send numbered lines in random-sized writes (so the server's reads split lines anywhere), every
/// <see cref="BadEvery"/>th line invalid UTF-8 (quarantined), and every other peer a last line without its newline
/// (quarantined as truncated when the peer closes).
/// </summary>
public static class ChunkedPeers
{
    public const int BadEvery = 37;

    /// <summary>How many records (stored and quarantined) the peers' lines make.</summary>
    public static int ExpectedRecords(int peers, int lines) => peers * lines + (peers + 1) / 2;

    public static async Task SendAsync(int port, int peers, int lines, int seed)
    {
        await Task.WhenAll(Enumerable.Range(0, peers).Select(async p =>
        {
            var random = new Random(seed + p);
            var bytes = Stream(p, lines);
            using var socket = await Loopback.ConnectAsync(port);
            socket.NoDelay = true;
            for (var offset = 0; offset < bytes.Length;)
            {
                var size = Math.Min(bytes.Length - offset, random.Next(1, 300));
                await socket.SendAsync(bytes.AsMemory(offset, size), SocketFlags.None);
                offset += size;
                // Yield now and then so that writes of one peer reach the server as separate reads.
                if (random.Next(4) == 0) await Task.Yield();
            }
            socket.Shutdown(SocketShutdown.Send);
            // Wait for the server's close, so that every byte was read before the test stops it.
            await socket.AwaitClosedByServerAsync(TimeSpan.FromSeconds(30));
        }));
    }

    private static byte[] Stream(int peer, int lines)
    {
        var text = new List<byte>();
        for (var n = 1; n <= lines; n++)
        {
            text.AddRange(Encoding.UTF8.GetBytes($"peer {peer} line {n} "));
            if (n % BadEvery == 0) text.AddRange(new byte[] { 0xFF, 0xFE });
            text.AddRange(Encoding.UTF8.GetBytes(new string('x', n % 50)));
            text.Add((byte)'\n');
        }
        if (peer % 2 == 0) text.AddRange(Encoding.UTF8.GetBytes($"peer {peer} unterminated"));
        return text.ToArray();
    }
}
