using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ActorNet.IntegrationTests.Feeds;

/// <summary>
/// A vendor's feed server that misbehaves on request, for tcp-connect sources. Its port is reserved at
/// construction (bound, not listening: Linux refuses connections to it, as if the server were down) and
/// <see cref="Start"/> opens it. Each accepted connection is handed to the script given to
/// <see cref="Start"/>, or queued for <see cref="NextPeerAsync"/>, and its accept time is recorded.
/// </summary>
public sealed class FakeFeedServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Channel<FeedPeer> _unscripted = Channel.CreateUnbounded<FeedPeer>();
    private readonly List<long> _acceptedAt = [];
    private readonly List<long> _closedAt = [];
    private readonly List<FeedPeer> _peers = [];
    private readonly List<Task> _scripts = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _acceptLoop;
    private bool _listening;

    public FakeFeedServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int AcceptCount
    {
        get
        {
            lock (_lock) return _acceptedAt.Count;
        }
    }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> of every accept, in order.</summary>
    public IReadOnlyList<long> AcceptTimestamps
    {
        get
        {
            lock (_lock) return _acceptedAt.ToArray();
        }
    }

    /// <summary>
    /// <see cref="Stopwatch.GetTimestamp"/> when this side closed or reset each accepted connection, in accept
    /// order; 0 for one still open.
    /// </summary>
    public IReadOnlyList<long> CloseTimestamps
    {
        get
        {
            lock (_lock) return _closedAt.ToArray();
        }
    }

    /// <summary>
    /// Starts listening. <paramref name="script"/> runs for every accepted connection with its 1-based accept
    /// number (and owns it); without a script, connections wait for <see cref="NextPeerAsync"/>.
    /// </summary>
    public void Start(Func<FeedPeer, int, Task>? script = null)
    {
        if (!_listening) _listener.Listen(128);
        _listening = true;
        _acceptLoop = AcceptLoopAsync(script);
    }

    /// <summary>
    /// Listens but accepts nothing (until <see cref="Start"/>), with room for <paramref name="backlog"/> + 1
    /// finished handshakes: past that Linux drops further SYNs, and a client's connect hangs as it would on a
    /// server too busy to accept.
    /// </summary>
    public void ListenWithoutAccepting(int backlog)
    {
        _listener.Listen(backlog);
        _listening = true;
    }

    /// <summary>The next accepted connection that no script took; fails past <paramref name="within"/>.</summary>
    public async Task<FeedPeer> NextPeerAsync(TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(within);
        try
        {
            return await _unscripted.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no connection to the fake feed server on port {Port} within {within.TotalSeconds:0.###} s ({AcceptCount} accepted so far)");
        }
    }

    /// <summary>Stops accepting and closes every connection still open; rethrows what a script threw.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Dispose();
        if (_acceptLoop is not null) await _acceptLoop;
        FeedPeer[] peers;
        lock (_lock) peers = _peers.ToArray();
        foreach (var peer in peers) peer.Dispose();
        Task[] scripts;
        lock (_lock) scripts = _scripts.ToArray();
        // A script blocked on a read ends when its socket is closed above; its failure is the test's failure.
        await Task.WhenAll(scripts).WaitAsync(TimeSpan.FromSeconds(5));
    }

    private async Task AcceptLoopAsync(Func<FeedPeer, int, Task>? script)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Disposed: accepting is over.
                return;
            }
            var acceptedAt = Stopwatch.GetTimestamp();
            FeedPeer peer;
            int number;
            lock (_lock)
            {
                _acceptedAt.Add(acceptedAt);
                _closedAt.Add(0);
                number = _acceptedAt.Count;
                var index = number - 1;
                peer = new FeedPeer(socket, acceptedAt, closedAt =>
                {
                    lock (_lock) _closedAt[index] = closedAt;
                });
                _peers.Add(peer);
                // Closed peers are of no further use: keep the list short over a thousand reconnects.
                if (_peers.Count > 64) _peers.RemoveAll(p => p.IsDisposed);
            }
            if (script is null)
            {
                _unscripted.Writer.TryWrite(peer);
                continue;
            }
            var run = Task.Run(() => script(peer, number));
            lock (_lock)
            {
                _scripts.Add(run);
                if (_scripts.Count > 64) _scripts.RemoveAll(t => t.IsCompletedSuccessfully);
            }
        }
    }
}
