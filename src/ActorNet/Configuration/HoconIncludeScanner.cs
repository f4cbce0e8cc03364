using System.Text;

namespace ActorNet.Configuration;

/// <summary>
/// Finds the <c>include</c> directives of one HOCON text and reads each into a file name or a refusal. Pure: it
/// reads no file (<see cref="HoconIncludes"/> does).
/// </summary>
/// <remarks>
/// <para>
/// Strings, comments and substitutions are skipped (<see cref="HoconTextScanner"/>), so the word in
/// <c>note = "include this"</c> or <c># include "x"</c> is no directive. A directive is the unquoted word
/// <c>include</c> where a key may start in an object: first in the file, after <c>{</c> or <c>,</c>, or first on its
/// line unless the line above ended with <c>=</c> or <c>:</c> (a value continued there). Inside a list it is a value,
/// as in the HOCON specification. <c>include = 1</c>, <c>include { }</c>, <c>include.a</c> and <c>includes</c> are
/// keys. What follows the word must be one of the forms below, or the directive is refused: Akka's parser would read
/// anything else as a key and silently swallow the block after it.
/// </para>
/// <para>
/// Forms: <c>"name"</c> and <c>file("name")</c> (a missing file is ignored, as the specification says),
/// <c>required("name")</c> and <c>required(file("name"))</c> (a missing file is an error). <c>url(...)</c> is
/// refused: a start-up must not depend on the network nor run whatever a server sends. <c>classpath(...)</c> means
/// JVM resources, which .NET does not have.
/// </para>
/// </remarks>
internal static class HoconIncludeScanner
{
    public const string Expected = "include \"file.conf\", include file(\"file.conf\") or include required(file(\"file.conf\"))";

    private const string Word = "include";
    private const string Triple = "\"\"\"";

    /// <summary>What <see cref="Find"/> found in one text.</summary>
    /// <param name="Directives">In the order written.</param>
    /// <param name="RootOpen">Index of a <c>{</c> that wraps the whole text (<c>{ a = 1 }</c>, allowed at the root), or -1.</param>
    /// <param name="RootClose">Index of the <c>}</c> that closes <paramref name="RootOpen"/>, or -1.</param>
    public sealed record Scan(IReadOnlyList<HoconIncludeDirective> Directives, int RootOpen, int RootClose);

    /// <summary>The directives of <paramref name="text"/>, whose brackets and strings are balanced (<see cref="HoconSyntaxCheck"/>).</summary>
    public static Scan Find(string text)
    {
        var directives = new List<HoconIncludeDirective>();
        var inObject = new Stack<(bool IsObject, int At)>();
        var last = '\0'; // the last character outside whitespace and comments; '\0' before the first
        var newlineSince = false;
        int rootOpen = -1, rootClose = -1;
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            var i = token.Start;
            var c = text[i];
            switch (token.Kind)
            {
                case HoconTokenKind.Comment:
                    continue;
                case HoconTokenKind.QuotedString or HoconTokenKind.TripleQuotedString or HoconTokenKind.Substitution:
                    c = 'v'; // a value, a quoted key or a substitution; none starts a field
                    break;
                case HoconTokenKind.Character when c == '\n':
                    newlineSince = true;
                    continue;
                case HoconTokenKind.Character when c == '{':
                    if (last == '\0') rootOpen = i;
                    inObject.Push((true, i));
                    break;
                case HoconTokenKind.Character when c == '[':
                    inObject.Push((false, i));
                    break;
                case HoconTokenKind.Character when c is '}' or ']':
                    if (inObject.TryPop(out var opener) && opener.At == rootOpen && inObject.Count == 0) rootClose = i;
                    break;
                case HoconTokenKind.Character when c == 'i' && KeyMayStart(inObject, last, newlineSince) && IsDirective(text, i):
                    var directive = Read(text, i);
                    directives.Add(directive);
                    scanner.ResumeAt(directive.End);
                    c = 'v';
                    break;
                default:
                    if (char.IsWhiteSpace(c)) continue;
                    break;
            }
            last = c;
            newlineSince = false;
            // Anything after the closing brace means that brace did not wrap the whole text.
            if (rootClose >= 0 && i > rootClose) rootOpen = rootClose = -1;
        }
        return rootClose < 0 ? new Scan(directives, -1, -1) : new Scan(directives, rootOpen, rootClose);
    }

    private static bool KeyMayStart(Stack<(bool IsObject, int At)> inObject, char last, bool newlineSince) =>
        (inObject.Count == 0 || inObject.Peek().IsObject)
        && (last is '\0' or '{' or ',' || (newlineSince && last is not '=' and not ':'));

    // The word alone (not `includes`, `include-x`, `include.a`) and not a key being assigned (`include = 1`, `include { }`).
    private static bool IsDirective(string text, int i)
    {
        if (string.CompareOrdinal(text, i, Word, 0, Word.Length) != 0) return false;
        var after = i + Word.Length;
        if (after < text.Length && (char.IsLetterOrDigit(text[after]) || text[after] is '-' or '_' or '.')) return false;
        var next = SkipSpaces(text, after);
        return !(next < text.Length && (text[next] is '=' or ':' or '{' || (text[next] == '+' && At(text, next + 1, '='))));
    }

    private static HoconIncludeDirective Read(string text, int start)
    {
        var line = 1 + text.AsSpan(0, start).Count('\n');
        var formStart = SkipSpaces(text, start + Word.Length);
        var form = ReadForm(text, formStart);
        if (form is null)
        {
            var end = EndOfDirectiveLine(text, start);
            return new(start, end, line, text[start..end].TrimEnd(), null, false, $"is not an include directive; expected {Expected}");
        }

        var after = SkipSpaces(text, form.End);
        if (after < text.Length && !(text[after] is '\r' or '\n' or ',' or '}' or '#' || (text[after] == '/' && At(text, after + 1, '/'))))
        {
            var end = EndOfDirectiveLine(text, start);
            return new(start, end, line, text[start..end].TrimEnd(), null, false,
                "is followed by more on its line; expected one include per line, or ',' before the next field");
        }
        var (name, required, problem) = Interpret(form);
        return new(start, form.End, line, text[start..form.End], name, required, problem);
    }

    /// <summary><c>"name"</c>, or <c>word(form)</c> with spaces allowed around the inner form.</summary>
    private sealed record Form(int End, string? Name, string? Call, Form? Argument);

    private static Form? ReadForm(string text, int at)
    {
        if (At(text, at, '"'))
        {
            if (string.CompareOrdinal(text, at, Triple, 0, Triple.Length) == 0) return null;
            var name = ReadQuoted(text, at, out var end);
            return name is null ? null : new Form(end, name, null, null);
        }

        var wordEnd = at;
        while (wordEnd < text.Length && char.IsAsciiLetter(text[wordEnd])) wordEnd++;
        var open = SkipSpaces(text, wordEnd);
        if (wordEnd == at || !At(text, open, '(')) return null;
        var argument = ReadForm(text, SkipSpaces(text, open + 1));
        if (argument is null) return null;
        var closing = SkipSpaces(text, argument.End);
        return At(text, closing, ')') ? new Form(closing + 1, null, text[at..wordEnd], argument) : null;
    }

    private static (string? Name, bool Required, string? Problem) Interpret(Form form, bool inRequired = false)
    {
        switch (form)
        {
            case { Name: { } name }:
                return (name, inRequired, null);
            case { Call: "file", Argument.Name: { } name }:
                return (name, inRequired, null);
            case { Call: "file" }:
                return (null, inRequired, $"file(...) takes a quoted file name; expected {Expected}");
            case { Call: "required", Argument: { } inner } when !inRequired:
                return Interpret(inner, inRequired: true);
            case { Call: "url" }:
                return (null, inRequired, "url(...) is refused: ActorNet does not fetch configuration over the network; " +
                    "expected a local file, such as include file(\"file.conf\") next to this one");
            case { Call: "classpath" }:
                return (null, inRequired, $"classpath(...) names JVM resources, which ActorNet does not have; expected {Expected}");
            default:
                return (null, inRequired, $"{form.Call}(...) is not an include form here; expected {Expected}");
        }
    }

    /// <summary>The decoded text of the "..." string at <paramref name="start"/>, or null if it does not end on its line.</summary>
    private static string? ReadQuoted(string text, int start, out int end)
    {
        var value = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"':
                    end = i + 1;
                    return value.ToString();
                case '\n':
                    end = i;
                    return null;
                case '\\' when i + 1 < text.Length:
                    i++;
                    switch (text[i])
                    {
                        case 'n': value.Append('\n'); break;
                        case 't': value.Append('\t'); break;
                        case 'r': value.Append('\r'); break;
                        case 'b': value.Append('\b'); break;
                        case 'f': value.Append('\f'); break;
                        case 'u' when i + 4 < text.Length && ushort.TryParse(text.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code):
                            value.Append((char)code);
                            i += 4;
                            break;
                        default: value.Append(text[i]); break; // \" \\ \/
                    }
                    break;
                default:
                    value.Append(text[i]);
                    break;
            }
        }
        end = text.Length;
        return null;
    }

    // A refused directive is quoted up to a comment or the end of its line.
    private static int EndOfDirectiveLine(string text, int from)
    {
        var end = EndOfLine(text, from);
        var comment = text.IndexOf('#', from, end - from);
        return comment < 0 ? end : comment;
    }

    private static int EndOfLine(string text, int from)
    {
        var newline = text.IndexOf('\n', from);
        return newline < 0 ? text.Length : newline;
    }

    private static int SkipSpaces(string text, int from)
    {
        while (from < text.Length && text[from] is ' ' or '\t') from++;
        return from;
    }

    private static bool At(string text, int i, char c) => i < text.Length && text[i] == c;
}
