using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.Ceiling;

/// <summary>
/// The raw baselines' listener: accepts on 127.0.0.1 (a port the OS picks) and serves each socket with one async loop
/// of the caller's, counting accepted and active connections. Disposing stops accepting, cancels the loops and waits a
/// bounded moment for them, so that sockets are closed before the next phase.
/// </summary>
public sealed class RawAcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private long _active;
    private long _accepted;
    private bool _disposed;

    /// <param name="serve">One connection's loop; it owns the socket. Ends on cancellation or when the peer leaves.</param>
    public RawAcceptLoop(Func<Socket, CancellationToken, Task> serve)
    {
        _serve = serve;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(); // backlog: the OS maximum (somaxconn)
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptAsync(_stopping.Token);
    }

    /// <summary>
    /// Reads rent this much at a time. A loopback burst is often larger than 4 KiB, the pipe default, and larger
    /// reads mean fewer syscalls; idle connections rent nothing (zero-byte reads, below).
    /// </summary>
    public const int ReadBufferSize = 64 * 1024;

    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// The raw baselines' reader over <paramref name="socket"/> (which it owns): reads of <see cref="ReadBufferSize"/>,
    /// and zero-byte reads that wait for data before renting a buffer, so an idle peer holds no 64 KiB block (the
    /// same trade-off as Kestrel's WaitForDataBeforeAllocatingBuffer).
    /// </summary>
    public static PipeReader Reader(Socket socket) => PipeReader.Create(
        new NetworkStream(socket, ownsSocket: true),
        new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: ReadBufferSize / 4, useZeroByteReads: true));

    public long Active => Interlocked.Read(ref _active);

    public long Accepted => Interlocked.Read(ref _accepted);

    public async ValueTask DisposeAsync()
    {
        // A phase may dispose its server once it has read the figures, and its `await using` again.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);

        // Cancelled reads end their loops; give them a bounded moment so sockets are closed before the next phase.
        for (int i = 0; i < 500 && Active > 0; i++)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
                                          || (e is SocketException && stopping.IsCancellationRequested))
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            Interlocked.Increment(ref _active);
            _ = ServeAsync(socket, stopping);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        try
        {
            await _serve(socket, stopping).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
