using System.Net;
using System.Net.Sockets;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>Accepts any number of clients on a loopback port and serves each with a <see cref="FeedConnection"/> until stopped.</summary>
public sealed class FeedServer : IDisposable
{
    private readonly Socket _listener;
    private readonly FeedSimOptions _options;
    private readonly FeedSimLog _log;
    private readonly TextWriter _output;

    private FeedServer(Socket listener, FeedSimOptions options, FeedSimLog log, TextWriter output)
    {
        _listener = listener;
        _options = options;
        _log = log;
        _output = output;
    }

    /// <summary>The address and port clients connect to (the port the system picked when asked for 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <exception cref="SocketException">The port is taken or the address cannot be bound.</exception>
    public static FeedServer Listen(FeedSimOptions options, FeedSimLog log, TextWriter output)
    {
        var listener = new Socket(options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(options.Address, options.Port));
            listener.Listen();
            return new FeedServer(listener, options, log, output);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Accepts until <paramref name="stopping"/> fires, then closes every client and returns.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(stopping);
                socket.NoDelay = true;
                connections.RemoveAll(c => c.IsCompleted);
                connections.Add(new FeedConnection(socket, _options, _log, _output).RunAsync(stopping));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            _listener.Close();
            connections.RemoveAll(c => c.IsCompleted);
            _log.Stopping(connections.Count);
            // Each connection watches the same token and never throws.
            await Task.WhenAll(connections);
        }
    }

    public void Dispose() => _listener.Dispose();
}
