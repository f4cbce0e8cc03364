using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ActorNet.Benchmarks.Udp;

/// <summary>
/// Sends the same datagram to one address as fast as the kernel takes it, <see cref="Batch"/> per sendmmsg(2) call on
/// Linux, so that the load generator spends its cores on the datagrams and not on a system call each: one
/// <see cref="Socket.SendTo(ReadOnlySpan{byte}, SocketFlags, System.Net.SocketAddress)"/> per datagram offered about
/// 485,000 datagrams/s of 100 B on this 2-core machine with both cores and nobody reading them. Elsewhere, one SendTo
/// per datagram.
/// </summary>
internal sealed unsafe class BatchedUdpSender : IDisposable
{
    public const int Batch = 64;
    private readonly Socket _socket;
    private readonly byte[] _payload;
    private readonly MessageHeader* _messages;
    private readonly IoVector* _vector;
    private readonly GCHandle _pinned;

    public BatchedUdpSender(IPEndPoint target, byte[] payload)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        // Connected: the kernel knows the destination, and each message needs no address of its own.
        _socket.Connect(target);
        _payload = payload;
        _pinned = GCHandle.Alloc(payload, GCHandleType.Pinned);
        _vector = (IoVector*)NativeMemory.AllocZeroed((nuint)sizeof(IoVector));
        _vector->Base = (void*)_pinned.AddrOfPinnedObject();
        _vector->Length = (nuint)payload.Length;
        _messages = (MessageHeader*)NativeMemory.AllocZeroed((nuint)(sizeof(MessageHeader) * Batch));
        for (var i = 0; i < Batch; i++)
        {
            _messages[i].Vector = _vector;
            _messages[i].VectorLength = 1;
        }
    }

    /// <summary>Sends a batch; the datagrams the kernel took (0 when it refused: ENOBUFS under a flood, or ECONNREFUSED
    /// reported for an earlier datagram while nothing listened yet; UDP allows both to be lost).</summary>
    public int SendBatch()
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                _socket.Send(_payload, SocketFlags.None);
                return 1;
            }
            catch (SocketException)
            {
                return 0;
            }
        }
        var sent = SendMultiple((int)_socket.Handle, _messages, Batch, 0);
        return Math.Max(sent, 0);
    }

    public void Dispose()
    {
        _socket.Dispose();
        NativeMemory.Free(_messages);
        NativeMemory.Free(_vector);
        _pinned.Free();
    }

    [DllImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static extern int SendMultiple(int socket, MessageHeader* messages, uint count, int flags);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct mmsghdr (x86-64 and arm64 Linux, 64 bytes): a struct msghdr, then the bytes sent.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
        // struct msghdr ends 8-byte aligned (56 bytes): msg_len follows its padding.
        private readonly int _padding;
        public uint Sent;
    }
}
