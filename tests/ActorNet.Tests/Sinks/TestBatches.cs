using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;

namespace ActorNet.Tests.Sinks;

/// <summary>Builds <see cref="ParsedBatch"/>es by hand, laid out the way a connection and a parser lay them out.</summary>
internal static class TestBatches
{
    public static readonly ConnectionInfo Connection = new("sensors", 42, "10.0.0.7:51234");

    public static readonly DateTime ReceivedAt = new DateTime(2025, 3, 14, 15, 9, 26, DateTimeKind.Utc).AddTicks(5_358_979);

    /// <summary>
    /// A batch whose entries are accepted payloads (<c>byte[]</c> or UTF-8 <c>string</c>) or <see cref="RejectedFrame"/>s,
    /// numbered from <paramref name="firstSeq"/>. Frames share one buffer, separated by a byte that belongs to none of them.
    /// </summary>
    public static ParsedBatch Of(PayloadFormat format, long firstSeq, params object[] entries) => From(Connection, format, firstSeq, entries);

    /// <inheritdoc cref="Of"/>
    public static ParsedBatch From(ConnectionInfo connection, PayloadFormat format, long firstSeq, params object[] entries)
    {
        var buffer = new MemoryStream();
        var slices = new FrameSpan[entries.Length];
        RejectedFrame?[]? rejections = null;
        for (var i = 0; i < entries.Length; i++)
        {
            switch (entries[i])
            {
                case RejectedFrame rejected:
                    rejections ??= new RejectedFrame?[entries.Length];
                    rejections[i] = rejected;
                    break;
                case string text:
                    slices[i] = Append(buffer, System.Text.Encoding.UTF8.GetBytes(text));
                    break;
                case byte[] bytes:
                    slices[i] = Append(buffer, bytes);
                    break;
                default:
                    throw new ArgumentException($"entry {i} is neither a payload nor a RejectedFrame", nameof(entries));
            }
        }
        var frames = new FrameBatch(connection, firstSeq, ReceivedAt, buffer.ToArray(), slices, entries.Length, rejections);
        return new ParsedBatch(frames, format, rejections, payloads: null);
    }

    public static RejectedFrame Rejected(string reason, string error, byte[] raw, long rawLength) => new(reason, error, raw, rawLength);

    private static FrameSpan Append(MemoryStream buffer, byte[] bytes)
    {
        var offset = (int)buffer.Length;
        buffer.Write(bytes);
        buffer.WriteByte((byte)'\n');
        return new FrameSpan(offset, bytes.Length);
    }
}
