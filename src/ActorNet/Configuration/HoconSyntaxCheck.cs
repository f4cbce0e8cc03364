namespace ActorNet.Configuration;

/// <summary>
/// Finds the mistakes Akka's HOCON parser does not report: <c>{</c> and <c>[</c> that are never closed, <c>}</c> and
/// <c>]</c> that close nothing or the wrong bracket, unterminated strings, and substitutions it misreads. Akka
/// accepts a file cut short as if it ended there, drops extra closing brackets, loops forever (allocating until
/// the process runs out of memory) on <c>[ a }</c> and on a reserved character left unquoted in a list
/// (<c>[ store?, live ]</c>, <c>[ x = 1 ]</c>: found by the configuration fuzz), reads <c>${ a }</c> as a configuration
/// that contains itself, on which the first lookup overflows the stack, and names no line for an unknown escape in a
/// string (<c>"\q"</c>).
/// </summary>
/// <remarks>
/// Strings and comments are read the way Akka's tokenizer reads them (<see cref="HoconTextScanner"/>), so that brackets inside them
/// (<c>"..."</c> with backslash escapes, <c>"""..."""</c>, <c>#</c> and <c>//</c> to the end of the line) do not
/// count. One rule is stricter than Akka: a <c>"..."</c> string must end on its line, as in JSON and the HOCON
/// specification (text over several lines goes in <c>"""..."""</c>), so that a missing quote is reported where it
/// is missing rather than where the next quote happens to be. Everything else is left to the parser.
/// </remarks>
internal static class HoconSyntaxCheck
{
    private const string Triple = "\"\"\"";

    /// <summary>
    /// Null if brackets and strings are balanced, else the first problem with its place, such as
    /// <c>line 3, column 1: '}' closes nothing</c>.
    /// </summary>
    public static string? FindError(string text)
    {
        var open = new Stack<int>();
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            var i = token.Start;
            switch (token.Kind)
            {
                case HoconTokenKind.TripleQuotedString when !token.Terminated:
                    return $"{Place(text, i)}: unterminated string; expected {Triple} to close the {Triple} opened here";
                case HoconTokenKind.QuotedString when !token.Terminated:
                    return $"{Place(text, i)}: unterminated string; expected a closing '\"' on the same line ({Triple} for text over several lines)";
                case HoconTokenKind.QuotedString when UnknownEscape(text, token) is { } escape:
                    return $"{Place(text, escape)}: unknown escape '{text.AsSpan(escape, Math.Min(2, text.Length - escape))}' in a string; " +
                        "expected \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u and four hex digits (a backslash itself is written \\\\)";
                case HoconTokenKind.Character when open.Count > 0 && text[open.Peek()] == '[' && ReservedInList.Contains(text[i]):
                    return $"{Place(text, i)}: '{text[i]}' cannot stand unquoted in a list; expected each element quoted (\"...\"), " +
                        "a number, true, false, null, a substitution, a list or a block";
                case HoconTokenKind.Substitution when !IsReadableSubstitution(text, i):
                    return $"{Place(text, i)}: '${{' is not followed by a path and '}}'; expected a substitution such as ${{a.b}}, ${{VAR}} or ${{?VAR}} (no spaces or quotes in it)";
                case HoconTokenKind.Character when text[i] is '{' or '[':
                    open.Push(i);
                    break;
                case HoconTokenKind.Character when text[i] is '}' or ']':
                    if (open.Count == 0) return $"{Place(text, i)}: '{text[i]}' closes nothing";
                    var opener = open.Pop();
                    if (text[opener] != Opening(text[i]))
                        return $"{Place(text, i)}: '{text[i]}' cannot close the '{text[opener]}' opened at {Place(text, opener)}; expected '{Closing(text[opener])}'";
                    break;
            }
        }

        if (open.Count == 0) return null;
        var innermost = open.Peek();
        var others = open.Count - 1;
        return $"{Place(text, innermost)}: '{text[innermost]}' opened here is never closed; expected '{Closing(text[innermost])}' before the end"
            + (others == 0 ? "" : $" (and {others} more bracket{(others == 1 ? "" : "s")} opened before it)");
    }

    // Characters Akka's tokenizer reserves that have no meaning directly in a list: it finds no token for them there
    // and loops for ever instead of failing. (':' and '=' belong in a block inside the list; '$' only as "${".)
    private const string ReservedInList = "$:=`^?!@*&\\";

    /// <summary>The index of the first backslash in a terminated "..." string that starts no escape JSON knows; null if none.</summary>
    private static int? UnknownEscape(string text, HoconToken token)
    {
        for (var i = token.Start + 1; i < token.End - 1; i++)
        {
            if (text[i] != '\\') continue;
            var next = text[i + 1];
            if (next is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't')
            {
                i++;
                continue;
            }
            if (next == 'u' && i + 5 < token.End - 1 && !text.AsSpan(i + 2, 4).ContainsAnyExcept("0123456789abcdefABCDEF"))
            {
                i += 5;
                continue;
            }
            return i;
        }
        return null;
    }

    /// <summary>Whether the <c>${</c> at <paramref name="start"/> is followed by a path and <c>}</c>.</summary>
    private static bool IsReadableSubstitution(string text, int start)
    {
        // ${?path}: optional, resolved by HoconSubstitutions before Akka's parser sees it.
        var pathStart = start + 2 < text.Length && text[start + 2] == '?' ? start + 3 : start + 2;
        var pathEnd = pathStart;
        while (pathEnd < text.Length && IsPathCharacter(text, pathEnd)) pathEnd++;
        // Akka reads whatever one character follows the path as the closing brace, and an empty path as the whole
        // configuration, which then contains itself.
        return pathEnd > pathStart && pathEnd < text.Length && text[pathEnd] == '}';
    }

    // As Akka's tokenizer reads a substitution path: unquoted text up to whitespace, a comment or a reserved character.
    private static bool IsPathCharacter(string text, int i) =>
        !char.IsWhiteSpace(text[i]) && !"$\"{}[]:=,#`^?!@*&\\".Contains(text[i])
        && !(text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/');

    private static char Opening(char closing) => closing == '}' ? '{' : '[';

    private static char Closing(char opening) => opening == '{' ? '}' : ']';

    /// <summary>"line L, column C", both counted from 1, a tab as one column.</summary>
    private static string Place(string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] != '\n') continue;
            line++;
            lineStart = i + 1;
        }
        return $"line {line}, column {index - lineStart + 1}";
    }
}
