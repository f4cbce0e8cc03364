using System.Text;

namespace ActorNet.Configuration;

/// <summary>
/// Makes Akka's parser take a comma after a block written without <c>=</c>, as the HOCON specification allows:
/// <c>framing { type = delimiter }, parser = text</c>. Akka reads <c>key { ... }</c> in a path of its own that never
/// looks for the optional comma after it (<c>key = { ... },</c> takes the other path, which does), and fails with
/// <c>Unknown token</c>.
/// </summary>
/// <remarks>
/// Every such comma (one that follows a block's closing brace, inside a block or at the top level) becomes a
/// carriage return: a separator to Akka's tokenizer as a newline is, and as a comma is to the specification, but one
/// that leaves line numbers, character positions and the length of the text unchanged. A comma after a block inside
/// a list (<c>[ { a = 1 }, { b = 2 } ]</c>) is left alone: there it separates elements, which Akka reads. Strings,
/// comments and substitutions are skipped as <see cref="HoconSyntaxCheck"/> skips them; the text has passed that
/// check.
/// </remarks>
internal static class HoconObjectCommas
{
    private const string Triple = "\"\"\"";

    public static string Separate(string text)
    {
        StringBuilder? rewritten = null;
        var open = new Stack<char>();
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    i = EndOfLine(text, i) - 1;
                    break;
                case '"' when string.CompareOrdinal(text, i, Triple, 0, Triple.Length) == 0:
                    var close = text.IndexOf(Triple, i + Triple.Length, StringComparison.Ordinal);
                    i = close < 0 ? text.Length : close + Triple.Length - 1;
                    break;
                case '"':
                    i = EndOfQuoted(text, i);
                    break;
                case '$' when i + 1 < text.Length && text[i + 1] == '{':
                    var end = text.IndexOf('}', i);
                    i = end < 0 ? text.Length : end;
                    break;
                case '{' or '[':
                    open.Push(text[i]);
                    break;
                case ']':
                    open.TryPop(out _);
                    break;
                case '}':
                    open.TryPop(out _);
                    if (open.Count > 0 && open.Peek() == '[') break;
                    var comma = NextSignificant(text, i + 1);
                    if (comma < text.Length && text[comma] == ',')
                    {
                        rewritten ??= new StringBuilder(text);
                        rewritten[comma] = '\r';
                        i = comma;
                    }
                    break;
            }
        }
        return rewritten?.ToString() ?? text;
    }

    /// <summary>The index of the first character from <paramref name="from"/> that is neither whitespace nor in a comment.</summary>
    private static int NextSignificant(string text, int from)
    {
        var i = from;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) i++;
            else if (text[i] == '#' || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')) i = EndOfLine(text, i);
            else break;
        }
        return i;
    }

    private static int EndOfQuoted(string text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] is '"' or '\n') return i;
        }
        return text.Length;
    }

    private static int EndOfLine(string text, int from)
    {
        var newline = text.IndexOf('\n', from);
        return newline < 0 ? text.Length : newline;
    }
}
