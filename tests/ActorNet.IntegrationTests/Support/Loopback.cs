using System.Net;
using System.Net.Sockets;

namespace ActorNet.IntegrationTests.Support;

/// <summary>Real TCP peers on 127.0.0.1.</summary>
public static class Loopback
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>
    /// A free port below the kernel's ephemeral range, handed out once per test run. A port the kernel picks for a
    /// socket bound to port 0 is an ephemeral one, which any outgoing connection on the machine may take as its source
    /// port before the process under test binds it (seen: an OTLP exporter's failing connect took the port of the
    /// source it was about to listen on; a restarted cluster node's HTTP port taken while it was down; both "address
    /// already in use"). Below the range only an explicit bind takes a port.
    /// </summary>
    public static int FreePort()
    {
        var ephemeralStart = EphemeralRangeStart();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(ephemeralStart - 12000, ephemeralStart);
            if (!HandedOut.TryAdd(port, true)) continue;
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else: try another.
            }
        }
        throw new InvalidOperationException($"no free port below {ephemeralStart} after 1000 attempts");
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (int.TryParse(range[0], out var start) && start > 13000) return start;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux: the common default below.
        }
        return 32768;
    }

    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The peer's address as ActorNet records it (<c>ip:port</c> of the remote end).</summary>
    public static string PeerName(this Socket socket) => socket.LocalEndPoint!.ToString()!;

    /// <summary>
    /// Completes when the server has closed <paramref name="socket"/>: a read returns 0 (FIN) or fails with a reset.
    /// Bytes the server sends meanwhile are read and ignored. Fails past <paramref name="within"/>.
    /// </summary>
    public static async Task AwaitClosedByServerAsync(this Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // A refused or dropped peer may see a reset instead of a FIN: closed either way.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the server did not close {socket.PeerName()} within {within.TotalSeconds:0.###} s");
        }
    }

    /// <summary>True when the server has closed the connection (FIN or reset) as far as this side can tell without blocking.</summary>
    public static bool IsClosedByServer(this Socket socket)
    {
        try
        {
            // Readable with nothing to read means end of stream.
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
