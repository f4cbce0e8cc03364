using System.Text.RegularExpressions;

namespace ActorNet.Configuration;

/// <summary>
/// Akka's parser names the place of an error as a character position in the text it was handed ("Unknown token at
/// position 73"), which an operator cannot find in a file: that text has its includes expanded and its
/// substitutions rewritten. Both rewrites keep every line where it was, so the position's line leads back to the
/// file and line written (<see cref="HoconSourceMap"/>). Two of its errors name no position at all; for those the
/// place is looked for in the text (found by the configuration fuzz: errors that named neither a key nor a line).
/// </summary>
internal static partial class HoconParserErrors
{
    [GeneratedRegex(@"\bat position (\d+)")]
    private static partial Regex Position();

    [GeneratedRegex("^include \"(.*)\" where no field starts")]
    private static partial Regex UnexpectedInclude();

    /// <summary>
    /// <paramref name="message"/> preceded by the place it names ("FILE, line N" or "line N"), or unchanged when it
    /// names none and none can be found.
    /// </summary>
    /// <param name="parsed">The text the parser was handed.</param>
    /// <param name="placeOfLine">The place of a line (0-based) of <paramref name="parsed"/>.</param>
    public static string Describe(string message, string parsed, Func<int, string> placeOfLine)
    {
        var match = Position().Match(message);
        int? position = match.Success && int.TryParse(match.Groups[1].ValueSpan, out var at) ? at : Find(message, parsed);
        if (position is not { } index) return message;
        var line = parsed.AsSpan(0, Math.Clamp(index, 0, parsed.Length)).Count('\n');
        return $"{placeOfLine(line)}: {message}";
    }

    /// <summary>The index in <paramref name="text"/> where its line <paramref name="line"/> (0-based) starts; its end past the last line.</summary>
    public static int LineStart(string text, int line)
    {
        var index = 0;
        for (var i = 0; i < line; i++)
        {
            var next = text.IndexOf('\n', index);
            if (next < 0) return text.Length;
            index = next + 1;
        }
        return index;
    }

    /// <summary>Where an error Akka reports without a position most likely is; null when it cannot tell.</summary>
    private static int? Find(string message, string parsed)
    {
        if (message.StartsWith("Could not parse an unquoted text value containing assignment character", StringComparison.Ordinal))
            return SecondSeparator(parsed);
        if (UnexpectedInclude().Match(message) is { Success: true } include)
        {
            var found = Regex.Match(parsed, @"\binclude\s+""" + Regex.Escape(include.Groups[1].Value) + "\"");
            return found.Success ? found.Index : null;
        }
        return null;
    }

    /// <summary>
    /// The first '=' or ':' after a field's separator within its value (<c>a = b=c</c>, <c>a = = b</c>): Akka reads
    /// the value as unquoted text and refuses a separator in it. A newline, a comma or a brace ends the value.
    /// </summary>
    private static int? SecondSeparator(string text)
    {
        var inValue = false;
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            if (token.Kind != HoconTokenKind.Character) continue;
            switch (text[token.Start])
            {
                case '\n' or ',' or '{' or '}':
                    inValue = false;
                    break;
                case '=' or ':':
                    if (inValue) return token.Start;
                    inValue = true;
                    break;
            }
        }
        return null;
    }
}
