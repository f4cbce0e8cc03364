using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class DurationParserSpec
{
    [Theory]
    [InlineData("250ms", 250.0)]
    [InlineData("250 millis", 250.0)]
    [InlineData("10s", 10_000.0)]
    [InlineData("10 seconds", 10_000.0)]
    [InlineData("1.5s", 1_500.0)]
    [InlineData("5m", 300_000.0)]
    [InlineData("5 minutes", 300_000.0)]
    [InlineData("1h", 3_600_000.0)]
    [InlineData("2d", 172_800_000.0)]
    [InlineData(" 10s ", 10_000.0)]
    [InlineData("0s", 0.0)]
    public void Reads_a_number_with_a_unit(string text, double expectedMilliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("5 parsecs")]
    [InlineData("-1s")]
    [InlineData("1.2.3s")]
    [InlineData(".s")]
    [InlineData("off")]
    [InlineData("99999999999999999d")]
    public void Refuses_text_that_is_not_a_duration(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}
