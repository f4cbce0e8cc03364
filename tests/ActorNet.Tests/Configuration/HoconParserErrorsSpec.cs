using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class HoconParserErrorsSpec
{
    private static string Place(int line) => $"FILE, line {line + 1}";

    [Fact]
    public void A_position_in_the_parsed_text_becomes_the_line_it_is_on()
    {
        const string parsed = "a = 1\nb { c = 2, , d = 3 }\n";

        Assert.Equal("FILE, line 2: Unknown token at position 17: ,",
            HoconParserErrors.Describe("Unknown token at position 17: ,", parsed, Place));
    }

    [Fact]
    public void An_unquoted_value_with_a_separator_in_it_is_placed_on_the_line_of_the_second_separator()
    {
        const string parsed = "a = \"b=c\" # d = e\nf = g=h\n";
        const string message = "Could not parse an unquoted text value containing assignment character '=' or ':'.";

        Assert.Equal($"FILE, line 2: {message}", HoconParserErrors.Describe(message, parsed, Place));
    }

    [Fact]
    public void An_include_where_no_field_starts_is_placed_on_its_line()
    {
        const string parsed = "a { }\nb { } include \"x.conf\"\n";
        const string message = "include \"x.conf\" where no field starts; expected an include first on its line, or after '{' or ','";

        Assert.Equal($"FILE, line 2: {message}", HoconParserErrors.Describe(message, parsed, Place));
    }

    [Fact]
    public void A_message_without_a_place_stays_as_it_is()
    {
        Assert.Equal("Unknown escape code: q", HoconParserErrors.Describe("Unknown escape code: q", "a = 1", Place));
    }
}
