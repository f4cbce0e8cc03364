using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ActorNet.Parsing;

namespace ActorNet.Tests.Sinks.Spool;

/// <summary>
/// A spool record body as version 1 wrote it (before the client certificate's subject was spooled), built byte by byte
/// from its layout, so that reading it back does not depend on today's writer.
/// </summary>
internal static class SpoolRecordV1
{
    public const string Source = "meters";
    public const long Connection = 77;
    public const string Peer = "10.1.2.3:40000";
    public const long FirstSeq = 12;
    public static readonly DateTime ReceivedAt = new(2025, 11, 3, 8, 30, 0, DateTimeKind.Utc);

    /// <summary>Two entries: the accepted payload "alpha", then a rejection (invalid-utf8, raw 61 FF, 9 bytes long).</summary>
    public static byte[] Body()
    {
        var body = new ArrayBufferWriter<byte>();
        body.Write<byte>([1, 1, 1, (byte)PayloadFormat.Text]);
        String(body, Source);
        Long(body, Connection);
        String(body, Peer);
        Long(body, FirstSeq);
        Long(body, ReceivedAt.Ticks);
        Int(body, 2);
        body.Write<byte>([0]);
        Bytes(body, "alpha"u8);
        body.Write<byte>([1]);
        String(body, "invalid-utf8");
        String(body, "byte 0xFF at offset 1");
        Bytes(body, [0x61, 0xFF]);
        Long(body, 9);
        return body.WrittenSpan.ToArray();
    }

    private static void Int(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void Long(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void Bytes(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        Int(output, value.Length);
        output.Write(value);
    }

    private static void String(ArrayBufferWriter<byte> output, string value) => Bytes(output, Encoding.UTF8.GetBytes(value));
}
