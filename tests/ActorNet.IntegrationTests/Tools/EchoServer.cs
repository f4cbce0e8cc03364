using System.Net;
using System.Net.Sockets;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// A TCP echo server on a free 127.0.0.1 port, as small as the ones people flash onto a board: every byte read is
/// written back, whatever the framing. Keeps what it received so that a test can check the bytes on the wire.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _received = new();
    private readonly Lock _lock = new();
    private readonly Task _accepting;

    public EchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Every byte received so far, over all connections.</summary>
    public byte[] Received
    {
        get
        {
            lock (_lock) return _received.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true) connections.Add(EchoAsync(await _listener.AcceptAsync(_stop.Token)));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed: stop accepting, and let the open connections end with the same token.
        }
        await Task.WhenAll(connections);
    }

    private async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                {
                    lock (_lock) _received.Write(buffer, 0, read);
                    await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // The client went away or the test is over: either ends this connection.
            }
        }
    }
}
