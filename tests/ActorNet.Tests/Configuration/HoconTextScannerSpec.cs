using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

/// <summary>Where comments, strings and substitutions start and end, as Akka's tokenizer reads them.</summary>
public sealed class HoconTextScannerSpec
{
    /// <summary>Every token that is not a single character, as (kind, text, terminated).</summary>
    private static List<(HoconTokenKind Kind, string Text, bool Terminated)> Spans(string text)
    {
        var spans = new List<(HoconTokenKind, string, bool)>();
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            if (token.Kind != HoconTokenKind.Character) spans.Add((token.Kind, text[token.Start..token.End], token.Terminated));
        }
        return spans;
    }

    /// <summary>The single characters outside comments, strings and substitutions, in order.</summary>
    private static string Characters(string text)
    {
        var characters = new System.Text.StringBuilder();
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            if (token.Kind != HoconTokenKind.Character) continue;
            Assert.Equal(token.Start + 1, token.End);
            characters.Append(text[token.Start]);
        }
        return characters.ToString();
    }

    [Theory]
    [InlineData("a = \"x\\\"y\" }", "\"x\\\"y\"")] // an escaped quote does not end it
    [InlineData("a = \"x\\\\\" }", "\"x\\\\\"")] // an escaped backslash does not escape the quote after it
    [InlineData("a = \"{ [ # // ${b}\" }", "\"{ [ # // ${b}\"")] // brackets, comments and substitutions inside are text
    [InlineData("a = \"\" }", "\"\"")]
    public void A_quoted_string_ends_at_its_first_unescaped_quote(string text, string expected)
    {
        Assert.Equal([(HoconTokenKind.QuotedString, expected, true)], Spans(text));
        Assert.Equal("a = }", Characters(text).Replace("  ", " "));
    }

    [Fact]
    public void A_url_in_a_string_is_not_a_comment()
    {
        const string text = "a = \"http://example.com\" # b = \"c\"\nd = 1";

        Assert.Equal(
            [(HoconTokenKind.QuotedString, "\"http://example.com\"", true), (HoconTokenKind.Comment, "# b = \"c\"", true)],
            Spans(text));
        Assert.Equal("a =  \nd = 1", Characters(text));
    }

    [Theory]
    [InlineData("# it's \"quoted\n", "# it's \"quoted")]
    [InlineData("// say \"\"\" and { here\n", "// say \"\"\" and { here")]
    [InlineData("#", "#")]
    [InlineData("// no newline at the end", "// no newline at the end")]
    public void A_comment_runs_to_the_end_of_its_line_whatever_it_holds(string text, string expected)
    {
        Assert.Equal([(HoconTokenKind.Comment, expected, true)], Spans(text));
        Assert.Equal(text.EndsWith('\n') ? "\n" : "", Characters(text));
    }

    [Fact]
    public void A_single_slash_is_a_character()
    {
        Assert.Empty(Spans("a = b/c"));
        Assert.Equal("a = b/c", Characters("a = b/c"));
    }

    [Fact]
    public void A_triple_quoted_string_spans_lines_and_keeps_quotes_and_backslashes()
    {
        const string text = "a = \"\"\"line \"one\"\n\\ # { \"\"\"\nb = 1";

        Assert.Equal([(HoconTokenKind.TripleQuotedString, "\"\"\"line \"one\"\n\\ # { \"\"\"", true)], Spans(text));
        Assert.Equal("a = \nb = 1", Characters(text));
    }

    [Fact]
    public void A_triple_quoted_string_ends_at_the_first_three_quotes_as_Akka_reads_it()
    {
        // The fourth quote opens a "..." string of its own.
        Assert.Equal(
            [(HoconTokenKind.TripleQuotedString, "\"\"\"a\"\"\"", true), (HoconTokenKind.QuotedString, "\" \"", true)],
            Spans("\"\"\"a\"\"\"\" \""));
    }

    [Fact]
    public void Two_quotes_are_an_empty_string_not_the_start_of_a_triple_quoted_one()
    {
        Assert.Equal([(HoconTokenKind.QuotedString, "\"\"", true), (HoconTokenKind.QuotedString, "\"b\"", true)], Spans("\"\" \"b\""));
    }

    [Theory]
    [InlineData("a = \"abc", "\"abc")]
    [InlineData("a = \"abc\\", "\"abc\\")] // a backslash as the last character escapes nothing
    [InlineData("a = \"\"\"abc\"\"", "\"\"\"abc\"\"")]
    [InlineData("a = \"\"\"", "\"\"\"")]
    public void A_string_cut_short_by_the_end_of_the_text_is_unterminated(string text, string expected)
    {
        var (kind, span, terminated) = Assert.Single(Spans(text));
        Assert.Equal(expected, span);
        Assert.Equal(expected.StartsWith("\"\"\"") ? HoconTokenKind.TripleQuotedString : HoconTokenKind.QuotedString, kind);
        Assert.False(terminated);
    }

    [Fact]
    public void A_quoted_string_ends_unterminated_at_the_end_of_its_line_and_the_newline_is_read_after_it()
    {
        const string text = "a = \"abc\nb = \"d\"";

        Assert.Equal([(HoconTokenKind.QuotedString, "\"abc", false), (HoconTokenKind.QuotedString, "\"d\"", true)], Spans(text));
        Assert.Equal("a = \nb = ", Characters(text));
    }

    [Fact]
    public void An_escaped_newline_does_not_end_a_quoted_string()
    {
        Assert.Equal([(HoconTokenKind.QuotedString, "\"a\\\nb\"", true)], Spans("\"a\\\nb\""));
    }

    [Theory]
    [InlineData("a = ${b.c} d", "${b.c}")]
    [InlineData("a = ${?VAR}", "${?VAR}")]
    [InlineData("a = ${ b }", "${ b }")] // the scanner does not judge the path; HoconSyntaxCheck does
    public void A_substitution_runs_to_its_first_closing_brace(string text, string expected)
    {
        Assert.Equal([(HoconTokenKind.Substitution, expected, true)], Spans(text));
    }

    [Fact]
    public void A_substitution_cut_short_by_the_end_of_the_text_is_unterminated()
    {
        Assert.Equal([(HoconTokenKind.Substitution, "${a.b", false)], Spans("x = ${a.b"));
    }

    [Fact]
    public void A_dollar_without_a_brace_is_a_character()
    {
        Assert.Empty(Spans("price = $5"));
    }

    [Fact]
    public void Tokens_cover_the_text_once_in_order()
    {
        const string text = "a { b = \"x\" // c\n  d = [ \"\"\"e\"\"\", ${f} ] # g\n}\n";

        var scanner = new HoconTextScanner(text);
        var expectedStart = 0;
        while (scanner.MoveNext())
        {
            Assert.Equal(expectedStart, scanner.Current.Start);
            Assert.True(scanner.Current.End > scanner.Current.Start);
            expectedStart = scanner.Current.End;
        }
        Assert.Equal(text.Length, expectedStart);
    }

    [Fact]
    public void Resuming_further_on_skips_what_the_caller_has_read()
    {
        const string text = "include \"a # b\" x";
        var scanner = new HoconTextScanner(text);

        Assert.True(scanner.MoveNext());
        scanner.ResumeAt(text.IndexOf('"', StringComparison.Ordinal) + 1); // inside the string, as a caller may choose
        Assert.True(scanner.MoveNext());
        Assert.Equal((HoconTokenKind.Character, 'a'), (scanner.Current.Kind, text[scanner.Current.Start]));
        Assert.True(scanner.MoveNext());
        Assert.True(scanner.MoveNext());
        Assert.Equal(HoconTokenKind.Comment, scanner.Current.Kind);
        Assert.Equal(text.Length, scanner.Current.End);
        Assert.False(scanner.MoveNext());
    }

    [Fact]
    public void Empty_text_has_no_tokens()
    {
        Assert.False(new HoconTextScanner("").MoveNext());
    }
}
