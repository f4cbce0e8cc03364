namespace ActorNet.Framing;

/// <summary>
/// Frames an outgoing payload the way the matching decoder expects it (echo replies, acknowledgements,
/// heartbeats): a delimiter appended, a length header prepended, or the payload as is.
/// </summary>
public interface IFrameEncoder
{
    /// <summary>Bytes <see cref="Encode"/> will write for a payload of <paramref name="payloadLength"/> bytes.</summary>
    int GetEncodedLength(int payloadLength);

    /// <summary>Writes the framed payload into <paramref name="destination"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The payload cannot be framed (too long for the length field, wrong size for fixed framing).</exception>
    int Encode(ReadOnlySpan<byte> payload, Span<byte> destination);
}
