using ActorNet.Configuration;
using Akka.Configuration;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class HoconSyntaxCheckSpec
{
    [Theory]
    [InlineData("ActorNet.reference.conf")]
    [InlineData("ActorNet.default.conf")]
    public void The_embedded_configurations_pass(string resource)
    {
        using var stream = typeof(ActorNetSettings).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);

        Assert.Null(HoconSyntaxCheck.FindError(reader.ReadToEnd()));
    }

    [Theory]
    [InlineData("a = \"}\"")]
    [InlineData("a = \"[ \\\" {\"")]
    [InlineData("a = \"\\\\\"\nb { }")]
    [InlineData("a = \"\"\"{ \" [\n\"\"\"")]
    [InlineData("a = 1 # } ]\nb = 2")]
    [InlineData("a = 1 // {\nb = 2")]
    [InlineData("b { c = 1 }\na = ${b}")]
    [InlineData("a = ${?ACTORNET_PORT}")]
    [InlineData("a {\r\n  b = [ 1, 2 ]\r\n}\r\n")]
    [InlineData("a = [ { b = \"]\" }, { c = 1 } ]")]
    [InlineData("")]
    public void Brackets_in_strings_and_comments_do_not_count(string text)
    {
        Assert.Null(HoconSyntaxCheck.FindError(text));
    }

    [Theory]
    [InlineData("actornet {\n  port = 7000\n}\n}", "line 4, column 1: '}' closes nothing")]
    [InlineData("a = [ x ] ]", "line 1, column 11: ']' closes nothing")]
    [InlineData("a {\n  b = [ x }\n}", "line 2, column 11: '}' cannot close the '[' opened at line 2, column 7; expected ']'")]
    [InlineData("a {\n  b = 1\n", "line 1, column 3: '{' opened here is never closed; expected '}' before the end")]
    [InlineData("a = {", "line 1, column 5: '{' opened here is never closed; expected '}' before the end")]
    [InlineData("{{{", "line 1, column 3: '{' opened here is never closed; expected '}' before the end (and 2 more brackets opened before it)")]
    [InlineData("a = 1\nhost = \"x }", "line 2, column 8: unterminated string; expected a closing '\"' on the same line (\"\"\" for text over several lines)")]
    [InlineData("a = \"x\ny\"", "line 1, column 5: unterminated string; expected a closing '\"' on the same line (\"\"\" for text over several lines)")]
    [InlineData("a = \"x\\\"", "line 1, column 5: unterminated string; expected a closing '\"' on the same line (\"\"\" for text over several lines)")]
    [InlineData("a = 1\n\tb = \"\"\"x }", "line 2, column 6: unterminated string; expected \"\"\" to close the \"\"\" opened here")]
    // Akka ends a """ string at the first """, so the fourth quote opens another string.
    [InlineData("a = \"\"\"x\"\"\"\"\nb = { }", "line 1, column 12: unterminated string; expected a closing '\"' on the same line (\"\"\" for text over several lines)")]
    public void A_bracket_or_string_left_open_or_closed_twice_is_reported_with_its_line_and_column(string text, string expected)
    {
        Assert.Equal(expected, HoconSyntaxCheck.FindError(text));
    }

    // Found by the configuration fuzz: Akka's parser loops for ever on these, or names no line.
    [Theory]
    [InlineData("a = [ store?, live ]", "line 1, column 12: '?' cannot stand unquoted in a list; expected each element quoted (\"...\"), a number, true, false, null, a substitution, a list or a block")]
    [InlineData("a {\n  b = [ x = 1 ]\n}", "line 2, column 11: '=' cannot stand unquoted in a list; expected each element quoted (\"...\"), a number, true, false, null, a substitution, a list or a block")]
    [InlineData("a = [ $ ]", "line 1, column 7: '$' cannot stand unquoted in a list; expected each element quoted (\"...\"), a number, true, false, null, a substitution, a list or a block")]
    [InlineData("a = \"x\\qy\"", "line 1, column 7: unknown escape '\\q' in a string; expected \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u and four hex digits (a backslash itself is written \\\\)")]
    [InlineData("a = \"\\u12\"", "line 1, column 6: unknown escape '\\u' in a string; expected \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u and four hex digits (a backslash itself is written \\\\)")]
    public void What_Akkas_parser_loops_on_or_reports_without_a_line_is_reported_with_its_line_and_column(string text, string expected)
    {
        Assert.Equal(expected, HoconSyntaxCheck.FindError(text));
    }

    [Theory]
    [InlineData("a = [ \"store?\", { b = \"x=1\" }, ${?X}, 1, true ] # ? = !")]
    [InlineData("a = \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"")]
    [InlineData("a = [ { b = 1, c: 2 } ]")]
    public void Reserved_characters_in_strings_comments_and_blocks_of_a_list_and_known_escapes_pass(string text)
    {
        Assert.Null(HoconSyntaxCheck.FindError(text));
        ConfigurationFactory.ParseString(text.Replace("${?X}", "0"));
    }

    [Property]
    public Property Balanced_documents_pass_and_parse() =>
        Prop.ForAll(Documents().ToArbitrary(), tokens =>
        {
            var text = string.Join(" ", tokens);
            Assert.Null(HoconSyntaxCheck.FindError(text));
            ConfigurationFactory.ParseString(text);
        });

    [Property]
    public Property Leaving_out_any_one_bracket_is_reported() =>
        Prop.ForAll(Documents().ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (tokens, pick) =>
        {
            var brackets = Enumerable.Range(0, tokens.Length).Where(i => tokens[i] is "{" or "}" or "[" or "]").ToArray();
            var dropped = brackets[pick % brackets.Length];

            Assert.NotNull(HoconSyntaxCheck.FindError(string.Join(" ", tokens.Where((_, i) => i != dropped))));
        });

    /// <summary>
    /// A HOCON document as tokens: structural brackets are tokens of their own, and values and comments hide
    /// brackets of every kind in strings.
    /// </summary>
    private static Gen<string[]> Documents() =>
        Gen.Sized(size => Block(Math.Min(size, 8) / 3 + 1)).Select(block => new[] { "root" }.Concat(block).ToArray());

    private static readonly string[] Scalars =
    [
        "1", "on", "64 KiB", "text", "\"}\"", "\"[ ]\"", "\"a\\\"{\"", "\"\\\\\"", "\"\"\"{\n]\"\"\"",
        "x # { [\n", "y // ] }\n",
    ];

    private static Gen<string[]> Value(int depth) => depth == 0
        ? Gen.Elements(Scalars).Select(s => new[] { s })
        : Gen.OneOf(Gen.Elements(Scalars).Select(s => new[] { s }), Block(depth - 1), List(depth - 1));

    private static Gen<string[]> Block(int depth) =>
        Gen.Choose(0, 3).SelectMany(count => Gen.ArrayOf(Value(depth), count)).Select(values =>
            values.SelectMany((v, i) => new[] { $"\nk{i}", "=" }.Concat(v)).Prepend("{").Append("}").ToArray());

    private static Gen<string[]> List(int depth) =>
        Gen.Choose(0, 3).SelectMany(count => Gen.ArrayOf(Value(depth), count)).Select(values =>
            values.SelectMany((v, i) => i == 0 ? v : v.Prepend(",")).Prepend("[").Append("]").ToArray());
}
