using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class SizeParserSpec
{
    [Theory]
    [InlineData("512", 512L)]
    [InlineData("0", 0L)]
    [InlineData("64 KiB", 65_536L)]
    [InlineData("64KiB", 65_536L)]
    [InlineData("  64 KiB  ", 65_536L)]
    [InlineData("4 MiB", 4_194_304L)]
    [InlineData("1 GiB", 1_073_741_824L)]
    [InlineData("512 bytes", 512L)]
    [InlineData("512 B", 512L)]
    [InlineData("64 kB", 64_000L)]
    [InlineData("4 MB", 4_000_000L)]
    [InlineData("1 GB", 1_000_000_000L)]
    public void Reads_a_byte_count_with_or_without_a_unit(string text, long expected)
    {
        Assert.True(SizeParser.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("KiB")]
    [InlineData("-1")]
    [InlineData("1.5 MiB")]
    [InlineData("64 parsecs")]
    [InlineData("64 KiB 2")]
    [InlineData("9223372036854775807 KiB")]
    [InlineData("99999999999999999999")]
    public void Refuses_text_that_is_not_a_size(string text)
    {
        Assert.False(SizeParser.TryParse(text, out _));
    }
}
