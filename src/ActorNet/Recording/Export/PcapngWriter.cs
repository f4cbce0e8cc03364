using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorNet.Recording.Export;

/// <summary>
/// Writes a pcapng file (one section, one interface) of link type LINKTYPE_WIRESHARK_UPPER_PDU (252): each packet is
/// a list of Wireshark "exported PDU" tags (big-endian type and length, value padded to 4 bytes: the dissector to
/// call, the source and destination addresses and ports) followed by the payload, so Wireshark and tshark show
/// recorded bytes with their endpoints without made-up IP and TCP headers. Block layout from the pcapng draft
/// (draft-ietf-opsawg-pcapng), tags from Wireshark's epan/exported_pdu.h.
/// </summary>
public sealed class PcapngWriter : IDisposable
{
    public const ushort LinkTypeUpperPdu = 252;

    private const ushort TagEnd = 0;
    private const ushort TagDissectorName = 12;
    private const ushort TagIpv4Source = 20;
    private const ushort TagIpv4Destination = 21;
    private const ushort TagIpv6Source = 22;
    private const ushort TagIpv6Destination = 23;
    private const ushort TagPortType = 24;
    private const ushort TagSourcePort = 25;
    private const ushort TagDestinationPort = 26;
    // Wireshark's port_type enum: PT_NONE, PT_SCTP, PT_TCP, PT_UDP, ...
    private const uint PortTypeTcp = 2;
    private const uint PortTypeUdp = 3;
    // Options of an enhanced packet block: opt_comment, then opt_endofopt ends the list.
    private const ushort OptionComment = 1;
    private const ushort OptionEnd = 0;

    private readonly Stream _out;
    private readonly MemoryStream _packet = new();

    public PcapngWriter(Stream output)
    {
        _out = output;
        WriteSectionHeader();
        WriteInterfaceDescription();
    }

    /// <summary>One packet: <paramref name="payload"/> sent from <paramref name="source"/> to <paramref name="destination"/> at <paramref name="at"/>.</summary>
    /// <param name="protocol">The Wireshark dissector to show the payload with (<c>data</c>: raw bytes).</param>
    /// <param name="comment">The packet's comment (Wireshark's <c>frame.comment</c>); none when null.</param>
    /// <param name="udp">The ports are UDP ports (a datagram), else TCP ports.</param>
    public void WritePacket(DateTime at, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> payload, string protocol = "data",
        string? comment = null, bool udp = false)
    {
        _packet.SetLength(0);
        Tag(TagDissectorName, Encoding.ASCII.GetBytes(protocol));
        Address(source.Address, TagIpv4Source, TagIpv6Source);
        Address(destination.Address, TagIpv4Destination, TagIpv6Destination);
        Tag(TagPortType, BigEndian(udp ? PortTypeUdp : PortTypeTcp));
        Tag(TagSourcePort, BigEndian((uint)source.Port));
        Tag(TagDestinationPort, BigEndian((uint)destination.Port));
        Tag(TagEnd, []);
        _packet.Write(payload);

        var data = _packet.GetBuffer().AsSpan(0, (int)_packet.Length);
        var padded = Pad4(data.Length);
        var commentBytes = comment is null ? null : Encoding.UTF8.GetBytes(comment);
        var options = commentBytes is null ? 0 : 4 + Pad4(commentBytes.Length) + 4;
        var total = 28 + padded + options + 4;
        Span<byte> head = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(head, 6); // enhanced packet block
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(head[8..], 0); // interface 0
        // Microseconds since 1970 (the interface's default resolution), split high and low.
        var micros = (ulong)((at.ToUniversalTime() - DateTime.UnixEpoch).Ticks / 10);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)(micros >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(head[16..], (uint)micros);
        BinaryPrimitives.WriteUInt32LittleEndian(head[20..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[24..], (uint)data.Length);
        _out.Write(head);
        _out.Write(data);
        _out.Write(new byte[padded - data.Length]);
        if (commentBytes is not null)
        {
            Option(OptionComment, commentBytes);
            Option(OptionEnd, []);
        }
        WriteUInt32(total);
    }

    /// <summary>A block option: code and length (little-endian, as the block), value padded to 4 bytes.</summary>
    private void Option(ushort code, ReadOnlySpan<byte> value)
    {
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(head, code);
        BinaryPrimitives.WriteUInt16LittleEndian(head[2..], (ushort)value.Length);
        _out.Write(head);
        _out.Write(value);
        _out.Write(new byte[Pad4(value.Length) - value.Length]);
    }

    private void Address(IPAddress address, ushort v4Tag, ushort v6Tag)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Tag(address.AddressFamily == AddressFamily.InterNetwork ? v4Tag : v6Tag, address.GetAddressBytes());
    }

    private void Tag(ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> head = stackalloc byte[4];
        var padded = Pad4(value.Length);
        BinaryPrimitives.WriteUInt16BigEndian(head, type);
        BinaryPrimitives.WriteUInt16BigEndian(head[2..], (ushort)padded);
        _packet.Write(head);
        _packet.Write(value);
        for (var i = value.Length; i < padded; i++) _packet.WriteByte(0);
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static int Pad4(int length) => (length + 3) & ~3;

    private void WriteSectionHeader()
    {
        const int total = 28;
        WriteUInt32(0x0A0D0D0A);
        WriteUInt32(total);
        WriteUInt32(0x1A2B3C4D); // byte-order magic
        Span<byte> rest = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(rest, 1); // major version
        BinaryPrimitives.WriteUInt16LittleEndian(rest[2..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(rest[4..], -1); // section length not given
        _out.Write(rest);
        WriteUInt32(total);
    }

    private void WriteInterfaceDescription()
    {
        const int total = 20;
        WriteUInt32(1);
        WriteUInt32(total);
        Span<byte> body = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(body, LinkTypeUpperPdu);
        BinaryPrimitives.WriteUInt16LittleEndian(body[2..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], 0); // no snap length
        _out.Write(body);
        WriteUInt32(total);
    }

    private void WriteUInt32(int value) => WriteUInt32((uint)value);

    private void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _out.Write(bytes);
    }

    public void Dispose()
    {
        _out.Flush();
        _packet.Dispose();
    }
}
