using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>Opens one client connection the way every generator mode does.</summary>
public static class PeerSocket
{
    /// <summary>
    /// Connects in at most <paramref name="gate"/>'s count at once: thousands of simultaneous SYNs overflow the
    /// listen backlog (somaxconn, often 4096), and the kernel then retries only after a second, which would be
    /// measured as server slowness.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint target, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            // Small writes must leave as small segments, or Nagle would undo the random write split.
            NoDelay = true,
        };
        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }
}
