using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// Peers with loopback addresses of their own: Linux answers on all of 127.0.0.0/8, so a client socket bound to
/// 127.0.0.2 before it connects is a peer from 127.0.0.2, a different address from a per-IP limit's point of view.
/// </summary>
public static class LoopbackPeers
{
    public static async Task<Socket> ConnectFromAsync(string localAddress, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
            await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task SendAsync(this Socket socket, string text) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
}
