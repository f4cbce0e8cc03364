using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// Finds a free TCP port on 127.0.0.1 for a server that cannot bind port 0 itself. The port is released before
/// the server binds it, so another process could take it in between; on a benchmark machine that race is rare
/// and shows up as a clear bind error, not as wrong figures.
/// </summary>
public static class FreePort
{
    public static int Pick()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
