using System.Text.Json;

namespace ActorNet.Parsing;

/// <summary>
/// Accepts frames that hold exactly one JSON value. The payload stays the frame's bytes and sinks write it as
/// JSON, not as a string, so nothing is parsed into objects.
/// </summary>
public sealed class JsonParser : IFrameParser
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 };

    public PayloadFormat Format => PayloadFormat.Json;

    public ParseResult Parse(ReadOnlyMemory<byte> frame)
    {
        if (frame.IsEmpty) return ParseResult.Reject("invalid JSON: the frame is empty", "invalid-json");
        // Utf8JsonReader does not validate the bytes inside strings; sinks copy them verbatim, so check first.
        if (!System.Text.Unicode.Utf8.IsValid(frame.Span))
            return ParseResult.Reject("invalid JSON: " + TextParser.DescribeInvalidUtf8(frame.Span), "invalid-utf8");
        var reader = new Utf8JsonReader(frame.Span, Options);
        try
        {
            // Utf8JsonReader has no non-throwing validation API; the exception is confined to bad frames.
            while (reader.Read())
            {
            }
            return ParseResult.Accept(frame);
        }
        catch (JsonException e)
        {
            return ParseResult.Reject("invalid JSON: " + e.Message, "invalid-json");
        }
    }
}
