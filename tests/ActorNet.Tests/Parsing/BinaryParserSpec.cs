using ActorNet.Parsing;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Parsing;

public sealed class BinaryParserSpec
{
    private readonly BinaryParser _parser = new();

    [Fact]
    public void Renders_payloads_as_binary()
    {
        Assert.Equal(PayloadFormat.Binary, _parser.Format);
    }

    [Fact]
    public void Accepts_an_empty_frame()
    {
        Assert.True(_parser.Parse(ReadOnlyMemory<byte>.Empty).IsAccepted);
    }

    [Property]
    public void Accepts_any_bytes_and_hands_the_frame_itself_back_as_the_payload(byte[] bytes)
    {
        var frame = ParsedMemory.Frame(bytes);

        var result = _parser.Parse(frame);

        Assert.True(result.IsAccepted);
        ParsedMemory.AssertSameMemory(frame, result.Payload);
    }
}
