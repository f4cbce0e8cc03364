using System.Buffers;
using ActorNet.Configuration;
using ActorNet.Framing;

namespace ActorNet.Connections;

/// <summary>
/// What a payload written to a peer becomes in its source's framing, decided before it is queued: the admin API
/// answers 400 for a payload the framing cannot carry instead of queueing a write that a connection would refuse.
/// </summary>
public static class OutgoingPayload
{
    /// <summary>
    /// <paramref name="payload"/> without one trailing <paramref name="delimiter"/>: delimiter framing appends one, and
    /// a payload that already ends with it (<c>"PING\n"</c>, a line piped from a shell) is not given a second.
    /// </summary>
    /// <param name="delimiter">The delimiter of delimiter framing, else null.</param>
    public static ReadOnlySpan<byte> WithoutDelimiter(ReadOnlySpan<byte> payload, byte[]? delimiter) =>
        delimiter is not null && payload.EndsWith(delimiter) ? payload[..^delimiter.Length] : payload;

    /// <summary>
    /// The bytes a peer of a source framed by <paramref name="framing"/> receives for <paramref name="payload"/>
    /// (payload and framing together); false with the encoder's reason when the framing cannot carry it (longer than
    /// max-frame-length, not the fixed length, holding the delimiter, a length field that cannot encode).
    /// </summary>
    public static bool TryMeasure(FramingSettings framing, ReadOnlySpan<byte> payload, out int framedLength, out string error)
    {
        ArgumentNullException.ThrowIfNull(framing);
        payload = WithoutDelimiter(payload, (framing as DelimiterFramingSettings)?.Delimiter);
        var encoder = framing.CreateEncoder();
        byte[]? scratch = null;
        try
        {
            // Encoded for real: the delimiter encoder finds a payload that holds the delimiter only while encoding.
            scratch = ArrayPool<byte>.Shared.Rent(encoder.GetEncodedLength(payload.Length));
            framedLength = encoder.Encode(payload, scratch);
            error = "";
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            framedLength = 0;
            error = Reason(e);
            return false;
        }
        finally
        {
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    // ArgumentException.Message ends with " (Parameter 'payload')", which means nothing to whoever sent the payload.
    private static string Reason(Exception e) =>
        e is ArgumentException { ParamName: { } name } argument ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}
