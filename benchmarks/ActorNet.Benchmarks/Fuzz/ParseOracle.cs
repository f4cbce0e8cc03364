using System.Text;
using System.Text.Json;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// Says, without ActorNet's code, whether a parser must accept a frame, and what a sink must then hold for it. It
/// is the fuzz runner's reference: written from the parsers' documented contracts (strict UTF-8; exactly one JSON
/// value, no comments, depth at most 128; any bytes), not from their implementation.
/// </summary>
public static class ParseOracle
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 128,
    };

    public static bool Accepts(FuzzParser parser, ReadOnlySpan<byte> frame) => parser switch
    {
        FuzzParser.Text => IsStrictUtf8(frame),
        FuzzParser.Json => IsOneJsonValue(frame),
        _ => true,
    };

    /// <summary>
    /// The bytes a sink's record holds for an accepted frame, as <see cref="FromRecord"/> reads them back: text and
    /// binary unchanged; JSON without the whitespace around the value and with CR and LF as spaces (a jsonl record
    /// is one line; in valid JSON they can only be whitespace).
    /// </summary>
    public static byte[] Canonical(FuzzParser parser, ReadOnlySpan<byte> frame)
    {
        if (parser != FuzzParser.Json) return frame.ToArray();
        var copy = frame.ToArray();
        copy.AsSpan().Replace((byte)'\n', (byte)' ');
        copy.AsSpan().Replace((byte)'\r', (byte)' ');
        return copy.AsSpan().Trim(" \t"u8).ToArray();
    }

    /// <summary>
    /// Raw framing: the bytes by which a connection's chunks, put back together, are compared with its stream. JSON
    /// loses the whitespace around each chunk's value in the sink (<see cref="Canonical"/>), so for JSON the
    /// comparison leaves all JSON whitespace out on both sides.
    /// </summary>
    public static byte[] StreamBytes(FuzzParser parser, ReadOnlySpan<byte> bytes)
    {
        if (parser != FuzzParser.Json) return bytes.ToArray();
        var kept = new List<byte>(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) kept.Add(b);
        }

        return [.. kept];
    }

    /// <summary>The payload of a jsonl record as bytes comparable with <see cref="Canonical"/>.</summary>
    public static byte[] FromRecord(FuzzParser parser, JsonElement payload) => parser switch
    {
        FuzzParser.Text => Encoding.UTF8.GetBytes(payload.GetString() ?? throw new InvalidDataException("a text payload is null")),
        FuzzParser.Json => Encoding.UTF8.GetBytes(payload.GetRawText()),
        _ => payload.GetBytesFromBase64(),
    };

    private static bool IsStrictUtf8(ReadOnlySpan<byte> frame)
    {
        try
        {
            StrictUtf8.GetCharCount(frame);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsOneJsonValue(ReadOnlySpan<byte> frame)
    {
        // JsonDocument does not check the bytes inside strings; a sink copies them verbatim, so they must be UTF-8.
        if (!IsStrictUtf8(frame)) return false;
        try
        {
            using var document = JsonDocument.Parse(frame.ToArray(), JsonOptions);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
