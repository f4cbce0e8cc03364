using ActorNet.Framing;
using ActorNet.Parsing;
using ActorNet.Protocol;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>Parsed batches built by hand, as a source's parser would hand them to its sinks.</summary>
public static class TestBatch
{
    /// <summary>A whole microsecond: what timestamptz keeps, so that it reads back equal.</summary>
    public static readonly DateTime ReceivedAt = new(2026, 3, 14, 15, 9, 26, 535, 897, DateTimeKind.Utc);

    /// <param name="entries">A payload (<c>byte[]</c> or <c>string</c>, as UTF-8) for a parsed frame, a
    /// <see cref="RejectedFrame"/> for a quarantined one; sequence numbers follow from <paramref name="firstSeq"/>.</param>
    public static ParsedBatch Of(PayloadFormat format, ConnectionInfo connection, long firstSeq, params object[] entries)
    {
        var frames = entries.Select(e => e switch
        {
            byte[] bytes => bytes,
            string text => System.Text.Encoding.UTF8.GetBytes(text),
            _ => [],
        }).ToArray();
        var buffer = frames.SelectMany(f => f).ToArray();
        var slices = new FrameSpan[frames.Length];
        for (int i = 0, offset = 0; i < frames.Length; offset += frames[i].Length, i++) slices[i] = new FrameSpan(offset, frames[i].Length);
        var rejections = entries.Any(e => e is RejectedFrame) ? entries.Select(e => e as RejectedFrame).ToArray() : null;
        var batch = new FrameBatch(connection, firstSeq, ReceivedAt, buffer, slices, frames.Length, rejections: null);
        return new ParsedBatch(batch, format, rejections, payloads: null);
    }
}
