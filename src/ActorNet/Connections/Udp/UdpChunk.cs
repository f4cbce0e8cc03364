using System.Net;
using System.Net.Sockets;

namespace ActorNet.Connections.Udp;

/// <summary>
/// The datagrams of one receive round: one buffer they are read into back to back, where each starts and how long it
/// is, and the sender's address of each. Reused for every round, so the receive loop allocates nothing per datagram.
/// </summary>
/// <remarks>
/// Handed back and forth between <see cref="UdpReceiver"/> (while a round runs) and <see cref="UdpSourceActor"/> (once
/// the round is told to it): never both at once, so it needs no lock. It never reaches another actor: the source copies
/// what it sends on (a mailbox message must own its bytes).
/// </remarks>
internal sealed class UdpChunk
{
    /// <summary>Bytes kept per sender address: a SocketAddress of IPv6 takes 28.</summary>
    public const int AddressStride = 32;

    /// <summary>Datagrams per round at most: a flood of empty datagrams must still hand over now and then.</summary>
    public const int MaxDatagrams = 1024;

    private readonly UdpDatagram[] _datagrams = new UdpDatagram[MaxDatagrams];
    private readonly byte[] _addresses = new byte[MaxDatagrams * AddressStride];

    /// <param name="bufferSize">The buffer's length: at least one <paramref name="slot"/>.</param>
    /// <param name="slot">The room offered to one datagram: one byte more than the longest accepted, so that a longer one shows.</param>
    public UdpChunk(int bufferSize, int slot)
    {
        Slot = slot;
        Buffer = GC.AllocateUninitializedArray<byte>(Math.Max(bufferSize, slot));
    }

    public byte[] Buffer { get; }
    public int Slot { get; }
    public int Filled { get; private set; }
    public int Count { get; private set; }

    /// <summary>Bytes left after the datagrams read so far.</summary>
    public int Room => Buffer.Length - Filled;

    public bool IsFull => Count == MaxDatagrams;

    public ref readonly UdpDatagram this[int index] => ref _datagrams[index];

    public ReadOnlySpan<byte> Bytes(int index) => Buffer.AsSpan(_datagrams[index].Offset, _datagrams[index].Length);

    /// <summary>
    /// The bytes the receive returned for datagram <paramref name="index"/>: its <see cref="Bytes"/>, or for a truncated
    /// one the whole slot it filled (one byte more than accepted), which is how a replay of a recording knows it was.
    /// </summary>
    public ReadOnlySpan<byte> Received(int index) =>
        Buffer.AsSpan(_datagrams[index].Offset, _datagrams[index].Truncated ? Slot : _datagrams[index].Length);

    public ReadOnlySpan<byte> Address(int index) => _addresses.AsSpan(index * AddressStride, _datagrams[index].AddressLength);

    public void Clear()
    {
        Filled = 0;
        Count = 0;
    }

    /// <summary>Where the next datagram is read to: after the last one, at most one slot.</summary>
    public Memory<byte> NextRoom() => Buffer.AsMemory(Filled, Math.Min(Room, Slot));

    /// <summary>
    /// Keeps a datagram of <paramref name="received"/> bytes just read into <see cref="NextRoom"/> from
    /// <paramref name="sender"/>. <paramref name="sizeBefore"/>: the datagram's length as the kernel gave it before the
    /// read (FIONREAD), or 0 when not known; a datagram that filled its slot was longer than accepted.
    /// </summary>
    public void Add(int received, SocketAddress sender, int sizeBefore) => Add(received, sender.Buffer.Span[..sender.Size], sizeBefore);

    /// <summary>As <see cref="Add(int, SocketAddress, int)"/>, the sender given as its address bytes (a replay has no socket).</summary>
    public void Add(int received, ReadOnlySpan<byte> address, int sizeBefore)
    {
        var truncated = received >= Slot;
        var length = truncated ? Slot - 1 : received;
        var fullLength = truncated ? Math.Max(sizeBefore, Slot) : received;
        address.CopyTo(_addresses.AsSpan(Count * AddressStride, AddressStride));
        _datagrams[Count++] = new UdpDatagram(Filled, length, fullLength, truncated, address.Length);
        Filled += received;
    }
}

/// <summary>
/// One datagram of a <see cref="UdpChunk"/>: <see cref="Length"/> bytes at <see cref="Offset"/>. When
/// <see cref="Truncated"/>, it was longer than accepted: only its first bytes were kept, and <see cref="FullLength"/> is
/// its length as the kernel reported it (or, when that was not known, the least it can have been).
/// </summary>
internal readonly record struct UdpDatagram(int Offset, int Length, int FullLength, bool Truncated, int AddressLength);
