using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;

namespace ActorNet.Sinks.Spool;

/// <summary>
/// One spooled batch: the part of a <see cref="ParsedBatch"/> one sink writes, with the identity of every entry
/// (source, connection, peer, client certificate subject, seq, receivedAt), so that replaying it writes exactly what
/// the sink would have written then. Entries the sink does not write keep their place (and seq) but not their bytes.
/// <code>
///   body := version u8 (2) | writesAccepted u8 | writesRejected u8 | format u8 | source str | connection i64 | peer str
///           | clientSubject (0 | 1 str) | firstSeq i64 | receivedAt ticks i64 | count i32 | entry*count
///   entry := 0 payload-bytes                                  (accepted)
///          | 1 reason str | error str | raw-bytes | rawLength i64   (rejected)
///   str, bytes := length i32 | bytes (UTF-8 for str)
/// </code>
/// Little-endian throughout. The segment adds length and CRC around each body (<see cref="SinkSpool"/>).
/// Version 1, written before the client certificate's subject was kept, lacks the clientSubject field; it is still
/// read (a spool left by an older ActorNet replays after an upgrade), its batches without a subject.
/// </summary>
internal static class SpoolRecord
{
    private const byte Version = 2;
    private const byte WithoutClientSubject = 1;

    public static void Write(IBufferWriter<byte> output, ParsedBatch batch, bool accepted, bool rejected)
    {
        var writer = new Writer(output);
        writer.Byte(Version);
        writer.Byte(accepted ? (byte)1 : (byte)0);
        writer.Byte(rejected ? (byte)1 : (byte)0);
        writer.Byte((byte)batch.Format);
        writer.String(batch.Connection.Source);
        writer.Long(batch.Connection.Id);
        writer.String(batch.Connection.Peer);
        if (batch.Connection.ClientSubject is { } subject)
        {
            writer.Byte(1);
            writer.String(subject);
        }
        else
        {
            writer.Byte(0);
        }
        writer.Long(batch.Frames.FirstSeq);
        writer.Long(batch.Frames.ReceivedAt.Ticks);
        writer.Int(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.Rejections?[i] is { } rejection)
            {
                writer.Byte(1);
                writer.String(rejected ? rejection.Reason : "");
                writer.String(rejected ? rejection.Error : "");
                writer.Bytes(rejected ? rejection.Raw.Span : default);
                writer.Long(rejection.RawLength);
            }
            else
            {
                writer.Byte(0);
                writer.Bytes(accepted ? batch.Payload(i).Span : default);
            }
        }
    }

    /// <summary>Rebuilds the batch (owning its bytes) and which part of it the sink writes.</summary>
    /// <exception cref="InvalidDataException">The body is not a record this version or the previous one wrote.</exception>
    public static (ParsedBatch Batch, bool Accepted, bool Rejected) Read(ReadOnlySpan<byte> body)
    {
        var reader = new Reader(body);
        var version = reader.Byte();
        if (version is not (Version or WithoutClientSubject)) throw new InvalidDataException($"unknown spool record version {version}");
        var accepted = reader.Byte() == 1;
        var rejected = reader.Byte() == 1;
        var format = (PayloadFormat)reader.Byte();
        var connection = new ConnectionInfo(reader.String(), reader.Long(), reader.String());
        if (version == Version)
        {
            connection = reader.Byte() switch
            {
                0 => connection,
                1 => connection with { ClientSubject = reader.String() },
                var flag => throw new InvalidDataException($"spool record has client subject flag {flag}, expected 0 or 1"),
            };
        }
        var firstSeq = reader.Long();
        var receivedAt = new DateTime(reader.Long(), DateTimeKind.Utc);
        var count = reader.Int();
        if (count < 0 || count > body.Length) throw new InvalidDataException($"spool record claims {count} entries");

        var buffer = new ArrayBufferWriter<byte>();
        var slices = new FrameSpan[count];
        RejectedFrame?[]? rejections = null;
        for (var i = 0; i < count; i++)
        {
            if (reader.Byte() == 1)
            {
                rejections ??= new RejectedFrame?[count];
                var reason = reader.String();
                var error = reader.String();
                var raw = reader.Bytes().ToArray();
                rejections[i] = new RejectedFrame(reason, error, raw, reader.Long());
                slices[i] = new FrameSpan(buffer.WrittenCount, 0);
            }
            else
            {
                var payload = reader.Bytes();
                slices[i] = new FrameSpan(buffer.WrittenCount, payload.Length);
                buffer.Write(payload);
            }
        }
        var frames = new FrameBatch(connection, firstSeq, receivedAt, buffer.WrittenMemory.ToArray(), slices, count, rejections);
        return (new ParsedBatch(frames, format, rejections, null), accepted, rejected);
    }

    /// <summary>Frames the sink writes from this body, for the backlog count when a spool is reopened.</summary>
    public static int CountWritten(ReadOnlySpan<byte> body)
    {
        var (batch, accepted, rejected) = Read(body);
        return batch.CountSelected(accepted, rejected);
    }

    private ref struct Writer(IBufferWriter<byte> output)
    {
        public void Byte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
        }

        public void Int(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
            output.Advance(4);
        }

        public void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
            output.Advance(8);
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Int(value.Length);
            output.Write(value);
        }

        public void String(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Int(length);
            Encoding.UTF8.GetBytes(value, output.GetSpan(length));
            output.Advance(length);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public byte Byte() => Take(1)[0];
        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public ReadOnlySpan<byte> Bytes() => Take(Int());
        public string String() => Encoding.UTF8.GetString(Bytes());

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > _rest.Length) throw new InvalidDataException("spool record is shorter than its contents claim");
            var taken = _rest[..length];
            _rest = _rest[length..];
            return taken;
        }
    }
}
