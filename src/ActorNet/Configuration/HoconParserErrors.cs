using System.Text.RegularExpressions;

namespace ActorNet.Configuration;

/// <summary>
/// Akka's parser names the place of an error as a character position in the text it was handed ("Unknown token at
/// position 73"), which an operator cannot find in a file: that text has its includes expanded and its
/// substitutions rewritten. Both rewrites keep every line where it was, so the position's line leads back to the
/// file and line written (<see cref="HoconSourceMap"/>).
/// </summary>
internal static partial class HoconParserErrors
{
    [GeneratedRegex(@"\bat position (\d+)")]
    private static partial Regex Position();

    /// <summary>
    /// <paramref name="message"/> preceded by the place it names ("FILE, line N" or "line N"), or unchanged when it
    /// names no position.
    /// </summary>
    /// <param name="parsed">The text the parser was handed.</param>
    /// <param name="placeOfLine">The place of a line (0-based) of <paramref name="parsed"/>.</param>
    public static string Describe(string message, string parsed, Func<int, string> placeOfLine)
    {
        var match = Position().Match(message);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out var position)) return message;
        var line = parsed.AsSpan(0, Math.Clamp(position, 0, parsed.Length)).Count('\n');
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
}
