using System.Text;
using ActorNet.Parsing;
using Xunit;

namespace ActorNet.Tests.Parsing;

public sealed class JsonParserSpec
{
    private readonly JsonParser _parser = new();

    [Fact]
    public void Renders_payloads_as_json()
    {
        Assert.Equal(PayloadFormat.Json, _parser.Format);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"temperature":21.5,"unit":"C","tags":["a","b"],"ok":true,"note":null}""")]
    [InlineData("[]")]
    [InlineData("[1,2,{\"a\":[]}]")]
    [InlineData("42")]
    [InlineData("-1.5e3")]
    [InlineData("\"just a string\"")]
    [InlineData("\"héllo 😀\"")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("  { \"padded\" : 1 }  ")]
    [InlineData("{\n  \"pretty\": [\n    1\n  ]\n}")]
    public void Accepts_one_json_value_and_hands_the_frame_itself_back_as_the_payload(string json)
    {
        var frame = ParsedMemory.Frame(Encoding.UTF8.GetBytes(json));

        var result = _parser.Parse(frame);

        Assert.True(result.IsAccepted, result.Error);
        ParsedMemory.AssertSameMemory(frame, result.Payload);
    }

    [Theory]
    [InlineData("{\"a\":")]                 // truncated object
    [InlineData("[1,2")]                    // truncated array
    [InlineData("\"unterminated")]          // truncated string
    [InlineData("tru")]                     // truncated literal
    [InlineData("{}x")]                     // trailing garbage
    [InlineData("42abc")]                   // trailing garbage after a number
    [InlineData("{} {}")]                   // two values
    [InlineData("1 2")]                     // two scalars
    [InlineData("{'a':1}")]                 // single quotes
    [InlineData("{\"a\":1,}")]              // trailing comma
    [InlineData("// comment\n{}")]          // comments are not JSON
    [InlineData("NaN")]
    [InlineData("temperature=21.5")]
    public void Rejects_a_frame_that_is_not_exactly_one_json_value(string json)
    {
        var result = _parser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.False(result.IsAccepted);
        Assert.Equal("invalid-json", result.Reason);
        Assert.StartsWith("invalid JSON", result.Error);
    }

    [Fact]
    public void Rejects_an_empty_frame()
    {
        var result = _parser.Parse(ReadOnlyMemory<byte>.Empty);

        Assert.False(result.IsAccepted);
        Assert.Equal("invalid-json", result.Reason);
        Assert.Contains("empty", result.Error);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\r\n\t ")]
    public void Rejects_a_frame_of_whitespace_only(string json)
    {
        var result = _parser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.False(result.IsAccepted);
        Assert.Equal("invalid-json", result.Reason);
    }

    // JSON text is UTF-8 (RFC 8259 section 8.1), and sinks copy a JSON payload into their output byte for byte.
    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xFF, (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', 0xC0, 0xAF, (byte)'"' })]                           // overlong '/'
    [InlineData(new byte[] { (byte)'"', 0xED, 0xA0, 0x80, (byte)'"' })]                     // lone surrogate
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}' })] // in a property name
    public void Rejects_a_json_string_holding_invalid_utf8(byte[] json)
    {
        var result = _parser.Parse(json);

        Assert.False(result.IsAccepted);
        Assert.Equal("invalid-utf8", result.Reason); // the label names the encoding problem, the more useful one
    }

    [Fact]
    public void Rejects_nesting_deeper_than_128_levels()
    {
        var json = new string('[', 200) + new string(']', 200);

        var result = _parser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.False(result.IsAccepted);
        Assert.Equal("invalid-json", result.Reason);
    }
}
