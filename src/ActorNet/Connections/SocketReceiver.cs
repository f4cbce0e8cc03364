using System.Net.Sockets;
using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>
/// The reads of one plaintext socket through a single reused <see cref="SocketAsyncEventArgs"/>: a read, or a wait for
/// data, allocates nothing. Through <c>Socket.ReceiveAsync(Memory)</c> each one that went pending cost an async state
/// machine box and a task (about 300 bytes), which with one small frame per read was most of what the receive path
/// allocated and so most of what the collector had to chase. The completion callback only tells the connection actor,
/// so it runs on whichever thread the socket engine completes on and never blocks it.
/// </summary>
internal sealed class SocketReceiver : SocketAsyncEventArgs
{
    private readonly Socket _socket;
    private IActorRef _target = ActorRefs.Nobody;
    private bool _waitOnly;

    // No ExecutionContext to capture or restore per completion: the callback touches nothing that flows with it.
    public SocketReceiver(Socket socket) : base(unsafeSuppressExecutionContextFlow: true) => _socket = socket;

    /// <summary>A zero-byte receive: tells <see cref="ConnectionProtocol.DataAvailable"/> once data is there, holding no buffer.</summary>
    public void WaitForData(IActorRef target)
    {
        _waitOnly = true;
        SetBuffer(Memory<byte>.Empty);
        Start(target);
    }

    /// <summary>Receives into the buffer's range; tells <see cref="ConnectionProtocol.ReadCompleted"/> (0 bytes: the peer closed).</summary>
    public void Receive(byte[] buffer, int offset, int count, IActorRef target)
    {
        _waitOnly = false;
        SetBuffer(buffer, offset, count);
        Start(target);
    }

    private void Start(IActorRef target)
    {
        _target = target;
        bool pending;
        try
        {
            pending = _socket.ReceiveAsync(this);
        }
        catch (ObjectDisposedException e)
        {
            Release();
            target.Tell(new ConnectionProtocol.ReadFailed(e));
            return;
        }
        if (!pending) Finish();
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => Finish();

    private void Finish()
    {
        var target = _target;
        object message;
        if (SocketError != SocketError.Success) message = new ConnectionProtocol.ReadFailed(new SocketException((int)SocketError));
        else if (_waitOnly) message = ConnectionProtocol.DataAvailable.Instance;
        else message = new ConnectionProtocol.ReadCompleted(Buffer!, Offset, BytesTransferred);
        // Let go of the pooled buffer before the actor may return it to the pool, and of the actor.
        Release();
        target.Tell(message);
    }

    private void Release()
    {
        _target = ActorRefs.Nobody;
        try
        {
            SetBuffer(null, 0, 0);
        }
        catch (ObjectDisposedException)
        {
            // The transport closed the socket and disposed these args while a receive was pending: the receive then
            // completes (aborted) on a pool thread, where this exception would end the process (it did, in the test
            // suite). The receive is over, so the args no longer use the buffer; nothing else is left to release.
        }
    }
}
