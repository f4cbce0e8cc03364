using System.Text;
using System.Text.RegularExpressions;

namespace ActorNet.IntegrationTests.Fuzz;

/// <summary>One mutated configuration: its text, what was done, and the key it was done to (null for syntax damage).</summary>
public sealed record ConfigMutation(string Text, string What, string? Key)
{
    /// <summary>The new name of a renamed key; null for other mutations.</summary>
    public string? Renamed { get; init; }
}

/// <summary>
/// Seeded mutations of a HOCON configuration as an operator's editor or a bad template makes them: keys deleted,
/// duplicated or misspelt, values of the wrong type, unit or range, brackets left unbalanced, junk pasted in,
/// the file cut short. Works on the text with a light pattern for <c>key = value</c>, not a parser, so that it can
/// also damage what a parser would refuse to read.
/// </summary>
public sealed partial class ConfigMutator(Random random)
{
    private static readonly string[] WrongValues =
    [
        "\"text\"", "[ 1, 2 ]", "{ a = 1 }", "yes", "on", "off", "-1", "0", "2147483648", "99999999999999999999", "1.5", "1e309",
        "NaN", "10 fortnights", "-5s", "0ms", "1 TiB", "-1 MiB", "512 PiB", "9223372036854775807ms", "\"\"", "null",
        "${undefined.path}", "${?NOT_SET_ANYWHERE_FUZZ}", "\"\\u0000\"", "\"unterminated", "65536", "0.0.0.0.0", "\"\\n\"", "[]", "{}",
    ];

    private static readonly string[] Junk =
    [
        "@@@", "= = =", "}{", "include \"missing-fuzz.conf\"", "include url(\"http://127.0.0.1/x\")", "include classpath(\"x\")",
        "\"unterminated", "/* */", "a.b.c", "...", "key =", "\t\t", "\uFEFF", "\0", "\u001b[31m", "ü€😀", "${", "${?", "}", "]", "[", "{",
        "actornet.sources.x { port = }", "actornet { actornet { } }", "akka.loglevel = DEBUG", "\"\\", ",,,", "+=", "?", "#", "//",
    ];

    public ConfigMutation Mutate(string text) => random.Next(8) switch
    {
        0 => DeleteKey(text),
        1 => DuplicateLine(text),
        2 => RenameKey(text),
        3 or 4 => WrongValue(text),
        5 => Unbalance(text),
        6 => InsertJunk(text),
        _ => new ConfigMutation(text[..random.Next(text.Length + 1)], "cut short", null),
    };

    // key = value, the value up to a comma, a closing brace, a comment or the line's end (a quoted string or list whole).
    [GeneratedRegex("""(?<key>[A-Za-z][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*)[ \t]*=[ \t]*(?<value>"[^"\n]*"|\[[^\]\n]*\]|[^,}\n#]*[^,}\n# \t])""")]
    private static partial Regex KeyValue();

    private Match? AnyKeyValue(string text)
    {
        var matches = KeyValue().Matches(text);
        return matches.Count == 0 ? null : matches[random.Next(matches.Count)];
    }

    private ConfigMutation DeleteKey(string text)
    {
        if (AnyKeyValue(text) is not { } match) return InsertJunk(text);
        return new ConfigMutation(text.Remove(match.Index, match.Length), "deleted", match.Groups["key"].Value);
    }

    private ConfigMutation DuplicateLine(string text)
    {
        var lines = text.Split('\n').ToList();
        int at = random.Next(lines.Count);
        lines.Insert(at, lines[at]);
        return new ConfigMutation(string.Join('\n', lines), $"line {at + 1} duplicated", null);
    }

    private ConfigMutation RenameKey(string text)
    {
        if (AnyKeyValue(text) is not { } match) return InsertJunk(text);
        var key = match.Groups["key"];
        string renamed = random.Next(3) switch
        {
            0 => key.Value + "x",
            1 => key.Value.Length > 2 ? Swap(key.Value, random.Next(key.Value.Length - 1)) : key.Value + "s",
            _ => key.Value.Replace('-', '_'),
        };
        if (renamed == key.Value) renamed += "-typo";
        return new ConfigMutation(text.Remove(key.Index, key.Length).Insert(key.Index, renamed), $"renamed to {renamed}", key.Value)
        {
            Renamed = InComment(text, key.Index) ? null : ChangedSegment(key.Value, renamed),
        };
    }

    /// <summary>Whether <paramref name="index"/> is after a '#' or '//' on its line (roughly: a quote is not looked at).</summary>
    private static bool InComment(string text, int index)
    {
        int lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        var before = text.AsSpan(lineStart, index - lineStart);
        return before.Contains('#') || before.Contains("//", StringComparison.Ordinal);
    }

    /// <summary>The one key of a dotted path that the rename changed; null when it moved a dot or changed several keys.</summary>
    private static string? ChangedSegment(string original, string renamed)
    {
        var before = original.Split('.');
        var after = renamed.Split('.');
        if (before.Length != after.Length) return null;
        var changed = after.Where((segment, i) => segment != before[i]).ToArray();
        return changed.Length == 1 ? changed[0] : null;
    }

    private static string Swap(string text, int at)
    {
        var chars = text.ToCharArray();
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        return new string(chars);
    }

    private ConfigMutation WrongValue(string text)
    {
        if (AnyKeyValue(text) is not { } match) return InsertJunk(text);
        var value = match.Groups["value"];
        string wrong = WrongValues[random.Next(WrongValues.Length)];
        return new ConfigMutation(text.Remove(value.Index, value.Length).Insert(value.Index, wrong), $"value {wrong}", match.Groups["key"].Value);
    }

    private ConfigMutation Unbalance(string text)
    {
        var brackets = text.Select((c, i) => (c, i)).Where(p => p.c is '{' or '}' or '[' or ']').Select(p => p.i).ToArray();
        if (brackets.Length > 0 && random.Next(2) == 0)
        {
            int at = brackets[random.Next(brackets.Length)];
            return new ConfigMutation(text.Remove(at, 1), $"'{text[at]}' removed", null);
        }

        string bracket = "{}[]"[random.Next(4)].ToString();
        int position = random.Next(text.Length + 1);
        return new ConfigMutation(text.Insert(position, bracket), $"'{bracket}' inserted", null);
    }

    private ConfigMutation InsertJunk(string text)
    {
        string junk = random.Next(4) == 0 ? RandomJunk() : Junk[random.Next(Junk.Length)];
        int position = random.Next(text.Length + 1);
        return new ConfigMutation(text.Insert(position, junk), $"junk {Printable(junk)} inserted", null);
    }

    private string RandomJunk()
    {
        var junk = new StringBuilder();
        int length = 1 + random.Next(12);
        for (int i = 0; i < length; i++) junk.Append((char)random.Next(1, 0x80));
        return junk.ToString();
    }

    public static string Printable(string text) =>
        string.Concat(text.Select(c => c < ' ' || c == 0x7F ? $"\\x{(int)c:X2}" : c.ToString()));
}
