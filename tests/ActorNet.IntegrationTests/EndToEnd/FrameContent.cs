using System.Globalization;
using System.Text;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>Seeded random content for frames: multi-byte text, JSON values, and the malformed kinds of both.</summary>
public static class FrameContent
{
    // 1-, 2-, 3- and 4-byte UTF-8 (the emoji are surrogate pairs in .NET strings), quotes and backslashes.
    private static readonly string[] TextPieces =
    [
        "a", "b", "Z", "0", "7", " ", "-", "_", "\"", "\\", "/", "é", "ß", "ü", "Ω", "ж", "ש", "€", "日本語", "中", "😀", "🎉", "👍🏽", "𝄞",
    ];

    // Each is invalid UTF-8 on its own and stays invalid next to ASCII.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF],                         // never valid
        [0x80],                         // a continuation byte with no lead
        [0xC0, 0xAF],                   // overlong "/"
        [0xE0, 0x80, 0xAF],             // overlong "/"
        [0xED, 0xA0, 0x80],             // a UTF-16 surrogate (U+D800)
        [0xE2, 0x82],                   // "€" cut short
        [0xF4, 0x90, 0x80, 0x80],       // past U+10FFFF
        [0xF8, 0x88, 0x80, 0x80, 0x80], // a five-byte form
    ];

    private static readonly string[] InvalidJson =
    [
        "{\"a\":1,}", "[1,2", "{\"a\":", "{'a':1}", "not json", "{\"a\":1}}", "{\"a\":1} {\"b\":2}", "[1,2] // comment",
        "{\"a\":tru}", "01", "\"unterminated", "{\"a\" 1}", "NaN", "[1,,2]",
    ];

    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Random text of up to <paramref name="maxPieces"/> pieces, every kind of UTF-8 sequence among them.</summary>
    public static string Text(Random random, int maxPieces)
    {
        var text = new StringBuilder();
        var pieces = random.Next(maxPieces + 1);
        for (var i = 0; i < pieces; i++) text.Append(TextPieces[random.Next(TextPieces.Length)]);
        return text.ToString();
    }

    /// <summary>Random text that may hold CR, LF, tab and NUL but never the sequence CR LF.</summary>
    public static string TextWithControlCharacters(Random random, int maxPieces)
    {
        var text = new StringBuilder();
        var pieces = random.Next(maxPieces + 1);
        for (var i = 0; i < pieces; i++)
        {
            var piece = random.Next(6) switch
            {
                0 => "\r",
                1 => "\n",
                2 => "\t",
                3 => "\0",
                _ => TextPieces[random.Next(TextPieces.Length)],
            };
            if (piece == "\n" && text.Length > 0 && text[^1] == '\r') piece = "\t";
            text.Append(piece);
        }
        return text.ToString();
    }

    /// <summary>A JSON string literal, escaping only what JSON requires so multi-byte characters stay raw.</summary>
    public static string JsonString(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        return json.Append('"').ToString();
    }

    /// <summary>One valid JSON value without a newline: objects, arrays and bare scalars, with spaces and tabs.</summary>
    public static string JsonValue(Random random, int peer, int index)
    {
        var text = JsonString(Text(random, 40));
        return random.Next(8) switch
        {
            0 => text,
            1 => random.Next(-1_000_000, 1_000_000).ToString(CultureInfo.InvariantCulture),
            2 => "-12.5e-3",
            3 => random.Next(2) == 0 ? "true" : "null",
            4 => $"[ 1, {text},\t[], {{}}, {{ \"k\" : \"日本\" }} ]",
            _ => $"{{\"peer\":{peer},\"i\":{index},\"text\":{text},\"n\":{random.NextDouble().ToString("R", CultureInfo.InvariantCulture)},\"ok\":true,\"none\":null,\"list\":[1,\"ü\",{{\"k\":\"😀\"}}]}}",
        };
    }

    /// <summary>A valid JSON object of exactly <paramref name="length"/> UTF-8 bytes (at least 64).</summary>
    public static string JsonOfLength(Random random, int peer, int index, int length)
    {
        var head = $"{{\"peer\":{peer},\"i\":{index},\"pad\":\"{Text(random, 6).Replace("\"", "").Replace("\\", "")}";
        var fill = length - Utf8.GetByteCount(head) - 2;
        if (fill < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "too short for the object's fixed part");
        return head + new string('x', fill) + "\"}";
    }

    public static string InvalidJsonValue(Random random) => InvalidJson[random.Next(InvalidJson.Length)];

    /// <summary><paramref name="before"/> and <paramref name="after"/> around one invalid UTF-8 sequence.</summary>
    public static byte[] WithInvalidUtf8(Random random, string before, string after) =>
        [.. Utf8.GetBytes(before), .. InvalidUtf8[random.Next(InvalidUtf8.Length)], .. Utf8.GetBytes(after)];
}
