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
/// comments and substitutions are skipped (<see cref="HoconTextScanner"/>); the text has passed
/// <see cref="HoconSyntaxCheck"/>.
/// </remarks>
internal static class HoconObjectCommas
{
    public static string Separate(string text)
    {
        StringBuilder? rewritten = null;
        var open = new Stack<char>();
        var afterBlock = false; // since the '}' of a block outside a list, only whitespace and comments
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            if (token.Kind == HoconTokenKind.Comment) continue;
            if (token.Kind != HoconTokenKind.Character)
            {
                afterBlock = false;
                continue;
            }

            var c = text[token.Start];
            if (char.IsWhiteSpace(c)) continue;
            if (c == ',' && afterBlock)
            {
                rewritten ??= new StringBuilder(text);
                rewritten[token.Start] = '\r';
            }
            afterBlock = false;
            switch (c)
            {
                case '{' or '[':
                    open.Push(c);
                    break;
                case ']':
                    open.TryPop(out _);
                    break;
                case '}':
                    open.TryPop(out _);
                    afterBlock = open.Count == 0 || open.Peek() != '[';
                    break;
            }
        }
        return rewritten?.ToString() ?? text;
    }
}
