using System.Net.Sockets;
using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>
/// The reads of one plaintext socket through a single reused <see cref="SocketAsyncEventArgs"/> and a single reused
/// completion message: a read, or a wait for data, allocates nothing. Through <c>Socket.ReceiveAsync(Memory)</c> each one that went pending cost an async state
/// machine box and a task (about 300 bytes), which with one small frame per read was most of what the receive path
/// allocated and so most of what the collector had to chase. The completion callback only tells the connection actor,
/// so it runs on whichever thread the socket engine completes on and never blocks it.
/// </summary>
internal sealed class SocketReceiver : SocketAsyncEventArgs
{
    private readonly Socket _socket;
    private IActorRef _target = ActorRefs.Nobody;
    private bool _waitOnly;

    // The one completion message of this socket, told again for every read (see ReadCompleted).
    private readonly ConnectionProtocol.ReadCompleted _completed = new([], 0, 0);

    // No ExecutionContext to capture or restore per completion: the callback touches nothing that flows with it.
    public SocketReceiver(Socket socket) : base(unsafeSuppressExecutionContextFlow: true) => _socket = socket;

    /// <summary>A zero-byte receive: tells <see cref="ConnectionProtocol.DataAvailable"/> once data is there, holding no buffer.</summary>
    public void WaitForData(IActorRef target)
    {
        _waitOnly = true;
        Start(null, 0, 0, target);
    }

    /// <summary>Receives into the buffer's range; tells <see cref="ConnectionProtocol.ReadCompleted"/> (0 bytes: the peer closed).</summary>
    public void Receive(byte[] buffer, int offset, int count, IActorRef target)
    {
        _waitOnly = false;
        Start(buffer, offset, count, target);
    }

    private void Start(byte[]? buffer, int offset, int count, IActorRef target)
    {
        _target = target;
        bool pending;
        try
        {
            if (buffer is null) SetBuffer(Memory<byte>.Empty);
            else SetBuffer(buffer, offset, count);
            pending = _socket.ReceiveAsync(this);
        }
        catch (ObjectDisposedException e)
        {
            // The socket, or these args, closed with the transport before this read began.
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
        else message = _completed.Set(Buffer!, Offset, BytesTransferred);
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
            // The transport was disposed while this read was pending (the connection stopped): the args let go of
            // the buffer themselves. Throwing here, on a socket engine thread, would end the process.
        }
    }
}
