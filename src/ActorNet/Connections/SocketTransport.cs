using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>
/// The socket behind one connection actor: the only place that touches it. Each read is started by the actor
/// and its completion comes back to the actor as a message, so the actor never blocks and never shares state
/// with a callback. At most one read is outstanding; the flag lives here so that it survives actor restarts.
/// </summary>
/// <remarks>
/// With TLS the reads and writes go through an <see cref="SslStream"/> once <see cref="BeginTlsHandshake"/> has
/// succeeded; without it they go to the socket itself, as before (no stream in between: plaintext pays one null check).
/// SslStream supports the zero-byte read too (.NET 7 on), and gives its own buffer back while idle, so an idle TLS peer
/// holds no buffer either.
///
/// A TLS read returns at most the records SslStream holds whole (a record carries at most 16 KiB), where a plaintext
/// read takes everything the kernel holds, up to the buffer. So a TLS receive goes on reading into the rest of its buffer
/// while another record is ready at once (<see cref="ReceiveTlsAsync"/>): one batch, one message to the actor, for as many
/// records as fit, and a buffer that fills teaches <see cref="ReadSizePolicy"/> to grow, as plaintext reads do. Without
/// that, a stream of 16 KiB records cost a wait and a read, two messages and two batches, per record.
/// </remarks>
internal sealed class SocketTransport : IDisposable
{
    private readonly Socket _socket;
    private readonly DescriptorBudget? _budget;
    private int _disposed;
    // Set once by a successful handshake, before the completion is told: the actor reads it only after that message.
    private SslStream? _tls;
    // Plaintext reads; made at the first one, so a transport that only handshakes or writes never has one.
    private SocketReceiver? _receiver;
    // The zero-byte TLS read a receive left under way when no further record was ready (see ReceiveTlsAsync): the
    // next wait or receive goes on from it, since SslStream takes one read at a time. Set before the receive's
    // completion is told, read by the actor's next Begin* call after it handled that message.
    private ValueTask<int> _tlsWait;
    private bool _tlsWaiting;

    /// <param name="socket">The connected socket; this transport owns it.</param>
    /// <param name="budget">The budget a slot was taken from for this socket, given back when it is closed; null for
    /// an outbound feed, whose one socket the budget's plan sets aside.</param>
    public SocketTransport(Socket socket, DescriptorBudget? budget = null)
    {
        _socket = socket;
        _budget = budget;
        _socket.NoDelay = true;
    }

    /// <summary>This end's address and port (for the recording), or "unknown" once the socket is gone.</summary>
    public string LocalEndPoint => IsDisposed ? "unknown" : ConnectionActor.LocalOf(_socket);

    /// <summary>True from a Begin* call until the actor handles its completion message.</summary>
    public bool ReadPending { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>True from <see cref="BeginTlsHandshake"/> until the actor handles its outcome; no read or write meanwhile.</summary>
    public bool Handshaking { get; private set; }

    /// <summary>
    /// Runs <paramref name="tls"/>'s handshake on this socket, off the actor's thread, bounded by its handshake-timeout;
    /// tells <paramref name="target"/> the <see cref="TlsOutcome"/>. On success every later read and write is TLS.
    /// </summary>
    public void BeginTlsHandshake(SourceTls tls, IActorRef target)
    {
        Handshaking = true;
        _ = HandshakeAsync(tls, target);
    }

    /// <summary>Called by the actor when it handles the handshake's outcome.</summary>
    public void HandshakeHandled() => Handshaking = false;

    private async Task HandshakeAsync(SourceTls tls, IActorRef target)
    {
        // The socket stays ours: disposing the stream must not close it behind the descriptor budget's back.
        var stream = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
        TlsOutcome outcome;
        try
        {
            using var timeout = new CancellationTokenSource(tls.Settings.HandshakeTimeout);
            outcome = await tls.AuthenticateAsync(stream, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // AuthenticateAsync turns the failures a peer can cause into an outcome; anything else must still end the
            // handshake, or the connection would wait for an outcome that never comes.
            outcome = TlsOutcome.Failed($"{e.GetType().Name}: {e.Message}");
        }
        if (outcome.Ok && !IsDisposed) _tls = stream;
        else stream.Dispose();
        target.Tell(outcome);
    }

    /// <summary>
    /// Waits until data arrives without holding a buffer (a zero-byte receive), then tells
    /// <paramref name="target"/> <see cref="ConnectionProtocol.DataAvailable"/>. Idle peers so cost no buffer.
    /// </summary>
    public void BeginWaitForData(IActorRef target)
    {
        ReadPending = true;
        if (_tls is null) Receiver.WaitForData(target);
        else _ = WaitTlsAsync(_tls, target);
    }

    /// <summary>Receives into <paramref name="buffer"/> from <paramref name="offset"/>; tells <see cref="ConnectionProtocol.ReadCompleted"/>.</summary>
    public void BeginReceive(byte[] buffer, int offset, int count, IActorRef target)
    {
        ReadPending = true;
        if (_tls is null) Receiver.Receive(buffer, offset, count, target);
        else _ = ReceiveTlsAsync(_tls, buffer, offset, count, target);
    }

    /// <summary>Called by the actor when it handles a completion.</summary>
    public void ReadHandled() => ReadPending = false;

    private SocketReceiver Receiver => _receiver ??= new SocketReceiver(_socket);

    /// <summary>True from <see cref="BeginSend"/> until the actor handles its completion; one send at a time.</summary>
    public bool WritePending { get; private set; }

    /// <summary>Sends <paramref name="count"/> bytes; tells <see cref="ConnectionProtocol.WriteCompleted"/> or <see cref="ConnectionProtocol.WriteFailed"/>.</summary>
    public void BeginSend(byte[] buffer, int count, IActorRef target)
    {
        WritePending = true;
        _ = SendAsync(buffer, count, target);
    }

    public void WriteHandled() => WritePending = false;

    private async Task SendAsync(byte[] buffer, int count, IActorRef target)
    {
        try
        {
            // For a stream socket SendAsync completes once every byte is in the kernel's send buffer.
            if (_tls is { } tls) await tls.WriteAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
            else await _socket.SendAsync(buffer.AsMemory(0, count), SocketFlags.None).ConfigureAwait(false);
            target.Tell(new ConnectionProtocol.WriteCompleted(buffer, count));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or AuthenticationException)
        {
            // IOException: SslStream wraps the socket's errors in one; AuthenticationException: a TLS alert mid-session.
            target.Tell(new ConnectionProtocol.WriteFailed(buffer, e));
        }
    }

    private async Task WaitTlsAsync(SslStream tls, IActorRef target)
    {
        try
        {
            await NextTlsWait(tls).ConfigureAwait(false);
            target.Tell(ConnectionProtocol.DataAvailable.Instance);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or AuthenticationException)
        {
            target.Tell(new ConnectionProtocol.ReadFailed(e));
        }
    }

    /// <summary>
    /// Receives into the buffer's range, then, while room is left and SslStream has another record ready at once, into
    /// the rest of it; tells one <see cref="ConnectionProtocol.ReadCompleted"/> for all of it.
    /// </summary>
    /// <remarks>
    /// Each further turn asks with a zero-byte read whether a whole record is ready (SslStream then decrypts it into its
    /// own buffer, as it would for the read that follows, so asking costs no copy). One that is not ready stays under
    /// way as the next wait (<see cref="_tlsWait"/>), so the bytes read so far are handed over now, never held back for
    /// data still to come. An end of stream, or a failure, is left for the next read to report: the bytes before it are
    /// the peer's and go first.
    /// </remarks>
    private async Task ReceiveTlsAsync(SslStream tls, byte[] buffer, int offset, int count, IActorRef target)
    {
        int received;
        try
        {
            // A wait left under way by the last receive ends first (it holds no buffer; the actor reads with a partial
            // frame's buffer in hand without asking for a wait).
            if (_tlsWaiting) await NextTlsWait(tls).ConfigureAwait(false);
            received = await tls.ReadAsync(buffer.AsMemory(offset, count)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or AuthenticationException)
        {
            // IOException: SslStream wraps the socket's errors in one; AuthenticationException: a TLS alert mid-session.
            target.Tell(new ConnectionProtocol.ReadFailed(e));
            return;
        }
        while (received > 0 && received < count)
        {
            try
            {
                var ready = tls.ReadAsync(Memory<byte>.Empty);
                if (!ready.IsCompletedSuccessfully)
                {
                    // Not ready (or failed): the next wait or receive takes it over, and reports a failure.
                    _tlsWait = ready;
                    _tlsWaiting = true;
                    break;
                }
                // Consumed, so that SslStream's pooled operation is handed back.
                _ = ready.Result;
                // After a ready record SslStream returns the bytes it decrypted without waiting (awaited all the same:
                // the buffer is handed over only once no read can still write into it).
                var more = await tls.ReadAsync(buffer.AsMemory(offset + received, count - received)).ConfigureAwait(false);
                // The end of the stream: the next read returns 0 again, and the actor sees it then.
                if (more == 0) break;
                received += more;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or AuthenticationException)
            {
                _tlsWait = ValueTask.FromException<int>(e);
                _tlsWaiting = true;
                break;
            }
        }
        target.Tell(new ConnectionProtocol.ReadCompleted(buffer, offset, received));
    }

    /// <summary>The wait left under way by the last receive, or a new zero-byte read.</summary>
    private ValueTask<int> NextTlsWait(SslStream tls)
    {
        if (!_tlsWaiting) return tls.ReadAsync(Memory<byte>.Empty);
        var wait = _tlsWait;
        _tlsWait = default;
        _tlsWaiting = false;
        return wait;
    }

    /// <summary>
    /// Ends reading: a pending receive completes with 0 bytes (Linux wakes it on SHUT_RD), so the data the
    /// actor already asked for is handed over rather than lost. Through TLS the read ends the same way, or, cut in
    /// the middle of a TLS record, as a failed read: either ends the drain.
    /// </summary>
    public void ShutdownReceive()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer or by us: there is nothing left to stop.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A reset peer makes shutdown fail; closing below still releases the socket.
        }
        _tls?.Dispose();
        _socket.Dispose();
        // After the socket: a read still pending completes with OperationAborted first and then lets go of the args.
        _receiver?.Dispose();
        _budget?.Return();
    }
}
