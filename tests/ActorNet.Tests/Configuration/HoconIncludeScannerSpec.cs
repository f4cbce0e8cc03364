using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class HoconIncludeScannerSpec
{
    [Theory]
    [InlineData("include \"a.conf\"")]
    [InlineData("x = 1\ninclude \"a.conf\"")]
    [InlineData("x = \"s\"\r\ninclude \"a.conf\"\r\n")]
    [InlineData("x { y = 1 }\n  include \"a.conf\"")]
    [InlineData("x { include \"a.conf\" }")]
    [InlineData("x { y = 1, include \"a.conf\" }")]
    [InlineData("{ include \"a.conf\" }")]
    [InlineData("x = [ 1 ]\ninclude \"a.conf\"")]
    [InlineData("x = ${y}\ninclude \"a.conf\"")]
    [InlineData("# a comment\ninclude \"a.conf\" // and another")]
    public void An_include_where_a_field_starts_in_a_block_is_a_directive(string text)
    {
        var directive = Assert.Single(HoconIncludeScanner.Find(text).Directives);

        Assert.Equal("include \"a.conf\"", directive.Text);
        Assert.Equal("a.conf", directive.Name);
        Assert.Null(directive.Problem);
    }

    [Theory]
    [InlineData("note = \"include \\\"a.conf\\\"\"")]
    [InlineData("note = \"\"\"\ninclude \"a.conf\"\n\"\"\"")]
    [InlineData("# include \"a.conf\"")]
    [InlineData("// include \"a.conf\"")]
    [InlineData("x = [\n  include \"a.conf\"\n]")]
    [InlineData("x =\n include \"a.conf\"")]
    [InlineData("x = include \"a.conf\"")]
    [InlineData("include = 1")]
    [InlineData("include : 1")]
    [InlineData("include += 1")]
    [InlineData("include { a = 1 }")]
    [InlineData("include.a = 1")]
    [InlineData("includes \"a.conf\"")]
    [InlineData("include-x = 1")]
    [InlineData("\"include\" \"a.conf\"")]
    public void An_include_in_a_string_a_comment_a_list_or_a_value_or_a_key_named_include_is_not_a_directive(string text)
    {
        Assert.Empty(HoconIncludeScanner.Find(text).Directives);
    }

    [Theory]
    [InlineData("include \"a\\\"b.conf\"", "a\"b.conf")]
    [InlineData("include \"dir\\/\\u0061.conf\"", "dir/a.conf")]
    public void A_quoted_name_is_read_with_its_escapes(string text, string name)
    {
        Assert.Equal(name, Assert.Single(HoconIncludeScanner.Find(text).Directives).Name);
    }

    [Fact]
    public void Directives_are_found_in_order_with_their_lines()
    {
        var directives = HoconIncludeScanner.Find("include \"a.conf\"\nx {\n  include required(file(\"b.conf\"))\n}").Directives;

        Assert.Equal(new (int, string?, bool)[] { (1, "a.conf", false), (3, "b.conf", true) }, directives.Select(d => (d.Line, d.Name, d.Required)));
    }

    [Theory]
    [InlineData("{ a = 1 }", 0, 8)]
    [InlineData("# c\n{\n a { b = 1 }\n}\n# end", 4, 19)]
    [InlineData("a { b = 1 }", -1, -1)]
    [InlineData("{ a = 1 }\nb = 2", -1, -1)]
    [InlineData("{ a = 1 } { b = 2 }", -1, -1)]
    public void Braces_around_the_whole_text_are_found(string text, int open, int close)
    {
        var scan = HoconIncludeScanner.Find(text);

        Assert.Equal((open, close), (scan.RootOpen, scan.RootClose));
    }
}
