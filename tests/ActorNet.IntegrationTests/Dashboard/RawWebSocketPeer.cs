using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>
/// A WebSocket client that does only the opening handshake, by hand on a plain socket, and then whatever the test
/// does with <see cref="Socket"/>: never answer a ping (a peer that vanished without a FIN), or never read (a stalled
/// browser). <see cref="System.Net.WebSockets.ClientWebSocket"/> answers pings on its own and cannot be made to.
/// </summary>
public sealed class RawWebSocketPeer : IDisposable
{
    private RawWebSocketPeer(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    /// <summary>Connects to <paramref name="server"/> and upgrades <paramref name="path"/>; fails unless the answer is 101.</summary>
    /// <param name="receiveBuffer">The socket's receive buffer in bytes; small, so that a peer that stops reading fills up soon.</param>
    public static async Task<RawWebSocketPeer> ConnectAsync(Uri server, string path, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size) socket.ReceiveBufferSize = size;
        try
        {
            var head = await UpgradeAsync(socket, server, path, origin: null);
            if (!head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
                throw new InvalidOperationException($"the upgrade of {path} was answered {head}");
            return new RawWebSocketPeer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks <paramref name="server"/> to upgrade <paramref name="path"/> with <paramref name="origin"/> written as it
    /// stands in the <c>Origin</c> header, and returns the answer's status code (101 when it upgraded); the connection
    /// is closed either way.
    /// </summary>
    public static async Task<int> AnswerToUpgradeAsync(Uri server, string path, string origin)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var head = await UpgradeAsync(socket, server, path, origin);
        // "HTTP/1.1 403 Forbidden\r\n..."
        return int.Parse(head.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Socket.Dispose();

    private static async Task<string> UpgradeAsync(Socket socket, Uri server, string path, string? origin)
    {
        await socket.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TimeSpan.FromSeconds(10));
        var request = $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\nSec-WebSocket-Version: 13\r\n"
            + (origin is null ? "" : $"Origin: {origin}\r\n") + "\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        return await ReadHeadAsync(socket);
    }

    // Byte by byte up to the blank line, so that nothing of the first frames is read with it.
    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0)
                throw new InvalidOperationException($"the server closed the connection during the handshake: {head}");
            head.Append((char)one[0]);
        }
        return head.ToString();
    }
}
