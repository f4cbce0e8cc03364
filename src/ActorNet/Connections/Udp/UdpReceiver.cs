using System.Net;
using System.Net.Sockets;
using Akka.Actor;

namespace ActorNet.Connections.Udp;

/// <summary>
/// The socket of a udp source and its receive rounds, behind which the actor never touches the socket. A round waits
/// for one datagram, then takes the ones already queued in the kernel while they fit in the chunk (FIONREAD tells the
/// next one's size without reading it), and tells the actor the filled chunk. Nothing is allocated per datagram: the
/// sender's <see cref="SocketAddress"/> is reused and the chunk's buffer is the source's own; a round whose first wait
/// completes asynchronously allocates its state machine once.
/// </summary>
internal sealed class UdpReceiver : IDisposable
{
    private readonly Socket _socket;
    private readonly SocketAddress _sender;
    private int _disposed;

    public UdpReceiver(Socket socket)
    {
        _socket = socket;
        _sender = new SocketAddress(socket.AddressFamily);
    }

    public Socket Socket => _socket;

    /// <summary>A round is under way: its chunk belongs to the receiver until it is told to the actor.</summary>
    public bool ReceivePending { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Starts a round into <paramref name="chunk"/>; its end comes to <paramref name="self"/> as <see cref="UdpProtocol.Received"/> or <see cref="UdpProtocol.ReceiveFailed"/>.</summary>
    public void BeginReceive(UdpChunk chunk, IActorRef self)
    {
        ReceivePending = true;
        chunk.Clear();
        _ = ReceiveAsync(chunk, self);
    }

    /// <summary>Called by the actor when it handles the round's end: another may start.</summary>
    public void ReceiveHandled() => ReceivePending = false;

    private async Task ReceiveAsync(UdpChunk chunk, IActorRef self)
    {
        try
        {
            while (chunk.Count == 0)
            {
                try
                {
                    var first = await _socket.ReceiveFromAsync(chunk.NextRoom(), SocketFlags.None, _sender).ConfigureAwait(false);
                    chunk.Add(first, _sender, sizeBefore: 0);
                }
                catch (SocketException e) when (IsReportOfEarlierSend(e.SocketErrorCode))
                {
                    // An ICMP port unreachable for an echo we sent: the kernel reports it on the next receive. It says
                    // nothing about this socket, which goes on receiving.
                }
            }
            TakeQueued(chunk);
            self.Tell(chunk, ActorRefs.NoSender);
        }
        catch (ObjectDisposedException)
        {
            // The socket was closed by a drain or PostStop: receiving is over.
            self.Tell(UdpProtocol.ReceiveStopped.Instance, ActorRefs.NoSender);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted || IsDisposed)
        {
            // The same, as Linux reports an aborted receive.
            self.Tell(UdpProtocol.ReceiveStopped.Instance, ActorRefs.NoSender);
        }
        catch (SocketException e)
        {
            self.Tell(new UdpProtocol.ReceiveFailed(e), ActorRefs.NoSender);
        }
    }

    /// <summary>The datagrams waiting in the kernel, while they fit: synchronous reads of data already there.</summary>
    private void TakeQueued(UdpChunk chunk)
    {
        while (!chunk.IsFull)
        {
            // FIONREAD on a UDP socket: the size of the next datagram, 0 when none waits (an empty datagram waits for
            // the next round, which reads it like any other).
            var next = _socket.Available;
            if (next == 0 || chunk.Room < Math.Min(next, chunk.Slot)) return;
            int received;
            try
            {
                received = _socket.ReceiveFrom(chunk.NextRoom().Span, SocketFlags.None, _sender);
            }
            catch (SocketException e) when (IsReportOfEarlierSend(e.SocketErrorCode) || e.SocketErrorCode == SocketError.WouldBlock)
            {
                return;
            }
            chunk.Add(received, _sender, next);
        }
    }

    private static bool IsReportOfEarlierSend(SocketError error) =>
        error is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable;

    /// <summary>
    /// Sends <paramref name="payload"/> to <paramref name="peer"/> (an echo, or a frame handed in for a peer). UDP sends
    /// do not wait for the peer: a datagram the kernel cannot take now is lost, as UDP allows; false then.
    /// </summary>
    public bool TrySendTo(ReadOnlySpan<byte> payload, SocketAddress peer)
    {
        if (IsDisposed) return false;
        try
        {
            _socket.SendTo(payload, SocketFlags.None, peer);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _socket.Dispose();
    }
}
