using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Opens connections and holds them without sending a byte, until disposed: the cost of a peer that is connected
/// but quiet, which is most peers most of the time. With TLS, each completes its handshake first and then sends nothing.
/// </summary>
public sealed class IdleConnections : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Socket?[] _sockets;
    private readonly System.Net.Security.SslStream?[] _tls;
    private readonly int _connectParallelism;
    private int _open;
    private volatile bool _disposed;

    public IdleConnections(IPEndPoint target, int connections, int connectParallelism = LoadGenerator.DefaultConnectParallelism, bool tls = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(connectParallelism, 1);
        _target = target;
        _sockets = new Socket?[connections];
        _tls = new System.Net.Security.SslStream?[tls ? connections : 0];
        _connectParallelism = connectParallelism;
    }

    public int Count => _sockets.Length;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Completes when all connections are open; the first failure is thrown (the others stay open until disposal).</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(_connectParallelism);
        var connecting = new Task[_sockets.Length];
        for (int i = 0; i < _sockets.Length; i++)
        {
            connecting[i] = OpenOneAsync(i, gate, cancellationToken);
        }

        await Task.WhenAll(connecting).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        for (int i = 0; i < _tls.Length; i++)
        {
            Interlocked.Exchange(ref _tls[i], null)?.Dispose();
        }

        for (int i = 0; i < _sockets.Length; i++)
        {
            Interlocked.Exchange(ref _sockets[i], null)?.Dispose();
        }

        Volatile.Write(ref _open, 0);
        return ValueTask.CompletedTask;
    }

    private async Task OpenOneAsync(int index, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            Socket socket = await PeerSocket.ConnectAsync(_target, gate, cancellationToken).ConfigureAwait(false);
            _sockets[index] = socket;
            if (_tls.Length > 0) _tls[index] = await LoadGenerator.HandshakeAsync(socket, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _open);

            // Disposal may have swept the array while this connect was in flight.
            if (_disposed && Interlocked.Exchange(ref _sockets[index], null) is { } late)
            {
                late.Dispose();
            }
        }
        catch (SocketException e)
        {
            throw new IOException($"idle connection {index} to {_target} failed: {e.Message}", e);
        }
    }
}
