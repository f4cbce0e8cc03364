using System.Text;
using System.Text.Unicode;

namespace ActorNet.Parsing;

/// <summary>Accepts frames that are strict UTF-8 (no invalid sequences, no overlongs, no surrogates).</summary>
public sealed class TextParser : IFrameParser, IFrameValidator
{
    public PayloadFormat Format => PayloadFormat.Text;

    public bool IsValid(ReadOnlySpan<byte> frame) => Utf8.IsValid(frame);

    // An ASCII byte is a whole character, never part of another: valid around the separators means valid between them.
    public bool AreAllValid(ReadOnlySpan<byte> asciiSeparatedFrames) => Utf8.IsValid(asciiSeparatedFrames);

    public ParseResult Parse(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        return Utf8.IsValid(span) ? ParseResult.Accept(frame) : ParseResult.Reject(DescribeInvalidUtf8(span), "invalid-utf8");
    }

    // Only runs for bad frames, so it may walk the bytes a second time to say where the problem is.
    internal static string DescribeInvalidUtf8(ReadOnlySpan<byte> span)
    {
        var offset = 0;
        while (offset < span.Length)
        {
            if (Rune.DecodeFromUtf8(span[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
                return $"invalid UTF-8 at byte {offset} (0x{span[offset]:X2})";
            offset += consumed;
        }
        return "invalid UTF-8";
    }
}
