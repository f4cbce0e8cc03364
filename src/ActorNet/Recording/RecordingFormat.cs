using ActorNet.IO;
using System.Buffers.Binary;
using System.Text;

namespace ActorNet.Recording;

/// <summary>
/// The on-disk format of a recording, version 2. A source records into <c>&lt;dir&gt;/&lt;source&gt;/</c>, one file
/// after another, named <c>&lt;UTC start yyyyMMddTHHmmssfffffff&gt;-&lt;n&gt;.anrec</c> so that names sort in time order.
/// All integers little-endian.
/// <code>
/// file header:  "ANREC" (5 bytes) | version (1 byte, = 2) | source name length (u16) | source name (UTF-8)
/// record:       body length (u32) | CRC-32 of the body (u32, IEEE, as zlib) | body
/// body:         kind (1 byte: 1 open, 2 in, 3 out, 4 close) | time (i64, UTC ticks) | connection id (i64)
///               | peer length (u16) | peer (UTF-8, "address:port") | data (the rest: bytes read or written,
///               the close reason, or for an open: see below)
/// open data:    local length (u16) | ActorNet's own "address:port" (UTF-8) | flags (1 byte: 1 = a client subject
///               follows, 2 = the peer sends datagrams, a udp source's sender) | the subject of the TLS client
///               certificate the peer presented (UTF-8, the rest, when flag 1)
/// </code>
/// (Flag 2 came within version 2, before 0.3.0 was released; an open without it is a TCP connection's.)
/// A close's data is its reason; one that quarantined a partial frame as frame-timeout or min-data-rate starts with that
/// kind and a colon ("frame-timeout: …"), which a replay reads to quarantine it the same way.
/// Version 1 (before the client certificate's subject was recorded) is still read: the same, except that an open's
/// data is only the "address:port". A TLS connection's open is recorded once its handshake is done, with the subject.
/// Crash behaviour: records are queued in blocks that the writer thread writes whole (one write(2) each), taking the
/// block being filled as soon as it is free, so a kill -9 loses what was queued, and may leave the last record torn. A reader checks each record's
/// length against what is left of the file and its CRC; the first one that fails ends that file (a torn tail,
/// reported), and reading goes on with the next file.
/// </summary>
public static class RecordingFormat
{
    public const string Extension = ".anrec";
    public const byte Version = 2;

    /// <summary>The version before open records carried the client certificate's subject; still read.</summary>
    public const byte VersionWithoutClientSubject = 1;
    public static ReadOnlySpan<byte> Magic => "ANREC"u8;

    /// <summary>Bytes of a record before its data: length, CRC, kind, time, connection id, peer length.</summary>
    public const int RecordOverhead = 4 + 4 + 1 + 8 + 8 + 2;

    /// <summary>Longest body a reader accepts: a longer length field is a torn or foreign file, not a record.</summary>
    public const int MaxBody = 64 * 1024 * 1024;

    internal static byte[] FileHeader(string source)
    {
        var name = Encoding.UTF8.GetBytes(source);
        var header = new byte[Magic.Length + 1 + 2 + name.Length];
        Magic.CopyTo(header);
        header[Magic.Length] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(Magic.Length + 1), (ushort)name.Length);
        name.CopyTo(header, Magic.Length + 3);
        return header;
    }

    /// <summary>
    /// Writes a record's length and body into <paramref name="target"/>, leaving the CRC to <see cref="Seal"/> (the
    /// writer thread's work, off the connection's path); returns the whole record's length.
    /// </summary>
    internal static int WriteBody(Span<byte> target, RecordKind kind, long ticks, long connectionId, string peer, ReadOnlySpan<byte> data)
    {
        var body = target[8..];
        body[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], ticks);
        BinaryPrimitives.WriteInt64LittleEndian(body[9..], connectionId);
        var peerLength = Encoding.UTF8.GetBytes(peer, body[19..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[17..], (ushort)peerLength);
        data.CopyTo(body[(19 + peerLength)..]);
        var length = RecordOverhead + peerLength + data.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)(length - 8));
        return length;
    }

    /// <summary>The whole length of the record <see cref="WriteBody"/> wrote at the start of <paramref name="records"/>.</summary>
    internal static int LengthAt(ReadOnlySpan<byte> records) => 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(records);

    /// <summary>Fills in the length and CRC of a record whose body <see cref="WriteBody"/> wrote.</summary>
    internal static void Seal(Span<byte> record)
    {
        var body = record[8..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.Compute(body));
    }

    private const byte HasClientSubject = 1;
    private const byte DatagramPeer = 2;

    /// <summary>The data of an open record (see the class comment).</summary>
    internal static byte[] OpenData(string local, string? clientSubject, bool datagrams = false)
    {
        var localLength = Encoding.UTF8.GetByteCount(local);
        var data = new byte[2 + localLength + 1 + (clientSubject is null ? 0 : Encoding.UTF8.GetByteCount(clientSubject))];
        BinaryPrimitives.WriteUInt16LittleEndian(data, (ushort)localLength);
        Encoding.UTF8.GetBytes(local, data.AsSpan(2));
        data[2 + localLength] = (byte)((clientSubject is null ? 0 : HasClientSubject) | (datagrams ? DatagramPeer : 0));
        if (clientSubject is not null) Encoding.UTF8.GetBytes(clientSubject, data.AsSpan(3 + localLength));
        return data;
    }

    /// <summary>
    /// ActorNet's end, the client certificate's subject and whether the peer sends datagrams, from an open record's
    /// data; false when it does not parse.
    /// </summary>
    internal static bool TryReadOpenData(byte version, byte[] data, out byte[] local, out string? clientSubject, out bool datagrams)
    {
        clientSubject = null;
        datagrams = false;
        if (version == VersionWithoutClientSubject)
        {
            local = data;
            return true;
        }
        local = [];
        if (data.Length < 3) return false;
        var localLength = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (data.Length < 2 + localLength + 1) return false;
        local = data.AsSpan(2, localLength).ToArray();
        var flags = data[2 + localLength];
        if ((flags & ~(HasClientSubject | DatagramPeer)) != 0) return false;
        datagrams = (flags & DatagramPeer) != 0;
        if ((flags & HasClientSubject) == 0) return data.Length == 3 + localLength;
        clientSubject = Encoding.UTF8.GetString(data.AsSpan(3 + localLength));
        return true;
    }

    /// <summary>The most a record of <paramref name="peer"/> and <paramref name="dataBytes"/> can take.</summary>
    internal static int MaxRecordLength(string peer, int dataBytes) => RecordOverhead + Encoding.UTF8.GetMaxByteCount(peer.Length) + dataBytes;
}
