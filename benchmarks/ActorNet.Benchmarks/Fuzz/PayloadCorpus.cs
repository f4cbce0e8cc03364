using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// Valid payloads for a shape, drawn from FsCheck generators with a fixed seed: the same seed gives the same corpus
/// on every machine. Each one fits the framing (no delimiter inside a delimited frame, exactly the frame length
/// for fixed framing, at most the longest payload) and the parser accepts it; the mutator makes bad frames from them.
/// </summary>
public static class PayloadCorpus
{
    // Lengths and depths are chosen explicitly below; the size only scales FsCheck's own number generators.
    private const int GeneratorSize = 30;

    // Single-, two-, three- and four-byte UTF-8 characters, quotes and backslashes (escaped by sinks), a tab.
    private static readonly string[] TextPieces =
        ["a", "Z", "7", " ", "-", "=", ":", "{", "\"", "\\", "\t", "é", "ß", "Ж", "中", "€", "𝄞", "😀", "sensor", "42.5", "OK"];

    public static byte[][] Create(FuzzShape shape, int seed, int count)
    {
        Gen<byte[]> generator = shape.Parser switch
        {
            FuzzParser.Text => TextGen.Select(text => Encoding.UTF8.GetBytes(text)),
            FuzzParser.Json => JsonGen.Select(json => Encoding.UTF8.GetBytes(json)),
            _ => Sized(Gen.Choose(0, 255).Select(b => (byte)b), shortest: 0, typical: 120, longest: 1200),
        };
        var random = new Rnd((ulong)seed);
        return generator.Sample(GeneratorSize, random, count).Select(payload => Fit(shape, payload)).ToArray();
    }

    private static Gen<string> TextGen { get; } =
        Sized(Gen.Elements(TextPieces), shortest: 0, typical: 40, longest: 400).Select(pieces => string.Concat(pieces));

    /// <summary>Keys and string values inside JSON.</summary>
    private static Gen<string> WordGen { get; } =
        Sized(Gen.Elements(TextPieces), shortest: 0, typical: 6, longest: 40).Select(pieces => string.Concat(pieces));

    /// <summary>JSON values as text, nested up to three levels, compact or with spaces between tokens.</summary>
    private static Gen<string> JsonGen { get; } = JsonValue(3);

    /// <summary>Arrays mostly of up to <paramref name="typical"/> items (device lines are short), now and then up to <paramref name="longest"/>.</summary>
    private static Gen<T[]> Sized<T>(Gen<T> item, int shortest, int typical, int longest) =>
        Gen.Frequency(
                (9, Gen.Choose(shortest, typical)),
                (1, Gen.Choose(shortest, longest)))
            .SelectMany(length => Gen.ArrayOf(item, length));

    private static Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements("true", "false", "null"),
            Gen.Choose(-100000, 100000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Choose(-1000, 1000).Select(n => (n / 8.0).ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture)),
            WordGen.Select(JsonString));
        if (depth <= 0) return scalar;
        var inner = JsonValue(depth - 1);
        var array = Sized(inner, 0, 4, 8).Select(items => "[" + string.Join(",", items) + "]");
        var obj = Sized(Gen.Zip(WordGen, inner), 0, 4, 8)
            .Select(fields => "{" + string.Join(", ", fields.Select(f => JsonString(f.Item1) + ":" + f.Item2)) + "}");
        return Gen.Frequency((4, scalar), (1, array), (2, obj));
    }

    private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>Makes a generated payload fit the framing without making it invalid for its parser.</summary>
    private static byte[] Fit(FuzzShape shape, byte[] payload)
    {
        if (shape.Framing == FuzzFraming.Delimiter && shape.Parser == FuzzParser.Binary)
        {
            payload.AsSpan().Replace(FuzzShape.Delimiter, (byte)0x0B);
        }

        int limit = shape.MaxPayloadLength;
        if (payload.Length > limit)
        {
            // Text is cut at a character boundary; a JSON value that is too long becomes a short one.
            payload = shape.Parser switch
            {
                FuzzParser.Json => "[1,2,3]"u8.ToArray(),
                FuzzParser.Text => CutUtf8(payload, limit),
                _ => payload[..limit],
            };
        }

        if (shape.Framing != FuzzFraming.Fixed) return payload;
        var frame = new byte[FuzzShape.FixedFrameLength];
        // Spaces pad text and are whitespace after a JSON value; binary is padded with its own bytes repeated.
        frame.AsSpan().Fill((byte)' ');
        payload.CopyTo(frame, 0);
        if (shape.Parser == FuzzParser.Binary && payload.Length > 0)
        {
            for (int i = payload.Length; i < frame.Length; i++) frame[i] = payload[i % payload.Length];
        }

        return frame;
    }

    private static byte[] CutUtf8(byte[] text, int limit)
    {
        int end = limit;
        // A continuation byte is 10xxxxxx: back up to the start of the character the limit falls in.
        while (end > 0 && (text[end] & 0xC0) == 0x80) end--;
        return text[..end];
    }
}
