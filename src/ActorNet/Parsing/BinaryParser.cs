namespace ActorNet.Parsing;

/// <summary>Accepts any bytes; sinks store them as base64.</summary>
public sealed class BinaryParser : IFrameParser, IFrameValidator
{
    public PayloadFormat Format => PayloadFormat.Binary;

    public bool IsValid(ReadOnlySpan<byte> frame) => true;

    public bool AreAllValid(ReadOnlySpan<byte> asciiSeparatedFrames) => true;

    public ParseResult Parse(ReadOnlyMemory<byte> frame) => ParseResult.Accept(frame);
}
