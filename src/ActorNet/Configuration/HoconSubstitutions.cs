using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// Resolves the substitutions Akka's parser cannot: <c>${VAR}</c> and <c>${?VAR}</c> from the environment, and
/// <c>${actornet.x}</c> of a key only reference.conf defines. What Akka can resolve (a key the file itself defines) is
/// left to it.
/// </summary>
/// <remarks>
/// <para>
/// As the HOCON specification says, a substitution is looked up in the configuration first, then in the environment.
/// The keys the file defines are found by parsing it once with every substitution replaced by <c>""</c> (a
/// substitution can only stand where a value does, so the keys do not change). Then each substitution is, in order:
/// kept for Akka when the file defines its path; replaced by reference.conf's value when that defines it; replaced by
/// the environment variable of that name (a path of letters, digits and <c>_</c>), written as a quoted HOCON string,
/// so that no value (spaces, <c>#</c>, <c>}</c>, quotes, line breaks) can end the string early or add keys; and
/// otherwise, for <c>${?VAR}</c>, left out: a field whose whole value it is is removed (so an earlier value of that
/// field, or the default, stays), an element it is alone in is removed from its list, and in a concatenation it
/// becomes the empty string. A <c>${VAR}</c> found nowhere is an error that names the variable, the file, the line
/// and the field.
/// </para>
/// <para>
/// Text, not Akka's tree, is rewritten: Akka resolves substitutions while it parses and fails on the first it cannot
/// find, and its tokenizer does not read <c>${?</c> at all. Strings, comments and substitutions are read by
/// <see cref="HoconTextScanner"/> (the text has passed <see cref="HoconSyntaxCheck"/>).
/// </para>
/// </remarks>
internal static class HoconSubstitutions
{
    /// <summary>One <c>${path}</c> or <c>${?path}</c> in the text.</summary>
    /// <param name="Start">Index of the <c>$</c>.</param>
    /// <param name="End">Index just past the closing <c>}</c>.</param>
    /// <param name="FieldStart">Index where the field starts when the substitution is the field's whole value, else -1.</param>
    /// <param name="Field">The field's key as written (<c>port</c>, <c>sources.a.port</c>), or "" outside a field.</param>
    /// <param name="AloneInList">Whether it is a whole element of a list.</param>
    internal sealed record Found(int Start, int End, string Path, bool Optional, int FieldStart, string Field, bool AloneInList);

    /// <summary>The text with the substitutions Akka cannot resolve replaced, and the paths left to Akka.</summary>
    /// <param name="Text">The rewritten text.</param>
    /// <param name="KeptPaths">Paths of substitutions left for Akka to resolve from the text itself.</param>
    public sealed record Result(string Text, IReadOnlyCollection<string> KeptPaths);

    /// <param name="text">The configuration text, its includes expanded.</param>
    /// <param name="map">Where each part of <paramref name="text"/> came from, for the errors.</param>
    /// <param name="parse">Akka's parser (run with its time limit).</param>
    /// <param name="reference">The configuration every file is overlaid on (reference.conf).</param>
    /// <param name="environment">Reads an environment variable; null when it is not set.</param>
    /// <exception cref="InvalidConfigurationException">A required substitution is defined nowhere.</exception>
    public static Result Resolve(string text, HoconSourceMap map, Func<string, Config> parse, Config reference,
        Func<string, string?> environment)
    {
        var found = Find(text);
        if (found.Count == 0) return new Result(text, []);

        var defined = parse(Replace(text, found, f => Adjoined(text, f, "\"\"")));
        var errors = new List<string>();
        var kept = new List<string>();
        var edits = new List<(int Start, int End, string Text)>();
        foreach (var f in found)
        {
            if (HasPath(defined, f.Path))
            {
                kept.Add(f.Path);
                edits.Add((f.Start, f.End, "${" + f.Path + "}"));
            }
            else if (HasPath(reference, f.Path))
                edits.Add((f.Start, f.End, Adjoined(text, f, HoconPrinter.Inline(reference.GetValue(f.Path)))));
            else if (IsVariableName(f.Path) && environment(f.Path) is { } value)
                edits.Add((f.Start, f.End, Adjoined(text, f, Quote(value))));
            else if (f.Optional)
                edits.Add(LeaveOut(text, f));
            else
                errors.Add(Missing(f, map));
        }
        if (errors.Count > 0) throw new InvalidConfigurationException(errors);

        var rewritten = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var (start, end, replacement) in edits)
        {
            rewritten.Append(text, copied, start - copied).Append(replacement);
            copied = end;
        }
        rewritten.Append(text, copied, text.Length - copied);
        return new Result(rewritten.ToString(), kept);
    }

    /// <summary>A HOCON quoted string of <paramref name="value"/>, with every character that could end it escaped.</summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case < ' ' or '\u007f': quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>Every substitution in <paramref name="text"/>, in order.</summary>
    internal static IReadOnlyList<Found> Find(string text)
    {
        var found = new List<Found>();
        var inObject = new Stack<bool>();
        var last = '\0'; // the last character outside whitespace and comments; '\0' before the first
        var newlineSince = false;
        int fieldStart = 0, assignAt = -1;
        var scanner = new HoconTextScanner(text);
        while (scanner.MoveNext())
        {
            var token = scanner.Current;
            var i = token.Start;
            var c = text[i];
            if (token.Kind == HoconTokenKind.Comment) continue;
            // A carriage return alone is what HoconObjectCommas made of a comma: a separator all the same.
            if (token.Kind == HoconTokenKind.Character && c is '\n' or '\r')
            {
                newlineSince = true;
                continue;
            }
            if (token.Kind == HoconTokenKind.Character && char.IsWhiteSpace(c)) continue;

            var objectContext = inObject.Count == 0 || inObject.Peek();
            if (objectContext && c is not ('}' or ',') && (last is '\0' or '{' or ',' || (newlineSince && last is not '=' and not ':')))
            {
                fieldStart = i;
                assignAt = -1;
            }
            switch (token.Kind)
            {
                case HoconTokenKind.QuotedString or HoconTokenKind.TripleQuotedString:
                    c = 'v';
                    break;
                case HoconTokenKind.Substitution:
                    var optional = At(text, i + 2, '?');
                    var pathStart = i + (optional ? 3 : 2);
                    // Past the '}', or the end of a text cut short (which HoconSyntaxCheck has refused before).
                    var end = token.End;
                    var close = end - 1;
                    var next = SkipSpaces(text, end);
                    var endsValue = next >= text.Length || text[next] is '\n' or '\r' or ',' or '}' or '#' || (text[next] == '/' && At(text, next + 1, '/'));
                    var alone = objectContext && last is '=' or ':' && assignAt >= 0 && endsValue;
                    var inList = !objectContext && (last is '[' or ',' || newlineSince) && (endsValue || (next < text.Length && text[next] == ']'));
                    var field = assignAt >= 0 && objectContext ? text[fieldStart..assignAt].TrimEnd('+', ' ', '\t') : "";
                    found.Add(new Found(i, end, text[pathStart..close], optional, alone ? fieldStart : -1, field, inList));
                    c = 'v';
                    break;
                case HoconTokenKind.Character when c is '=' or ':' && objectContext && assignAt < 0:
                    assignAt = i;
                    break;
                case HoconTokenKind.Character when c == '{':
                    inObject.Push(true);
                    break;
                case HoconTokenKind.Character when c == '[':
                    inObject.Push(false);
                    break;
                case HoconTokenKind.Character when c is '}' or ']':
                    inObject.TryPop(out _);
                    break;
            }
            last = c;
            newlineSince = false;
        }
        return found;
    }

    private static bool HasPath(Config config, string path)
    {
        try
        {
            return config.HasPath(path);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            // Akka throws when a segment of the path is a single value rather than a block: not defined there.
            return false;
        }
    }

    private static bool IsVariableName(string path) =>
        path.Length > 0 && (char.IsAsciiLetter(path[0]) || path[0] == '_') && path.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>
    /// <paramref name="replacement"/> as it may stand in <paramref name="f"/>'s place: an empty string <c>""</c> right
    /// beside a quote would make <c>"""</c>, the start or end of a triple-quoted string, so there it is left out (in a
    /// concatenation with that string it adds nothing anyway).
    /// </summary>
    private static string Adjoined(string text, Found f, string replacement) =>
        replacement == "\"\"" && ((f.Start > 0 && text[f.Start - 1] == '"') || (f.End < text.Length && text[f.End] == '"')) ? "" : replacement;

    /// <summary>What an optional substitution found nowhere leaves of the text: see the class remarks.</summary>
    private static (int Start, int End, string Text) LeaveOut(string text, Found f)
    {
        if (f.FieldStart < 0 && !f.AloneInList) return (f.Start, f.End, Adjoined(text, f, "\"\""));
        var start = f.FieldStart >= 0 ? f.FieldStart : f.Start;
        var end = f.End;
        var next = SkipSpaces(text, end);
        if (next < text.Length && text[next] == ',') end = next + 1;
        // Blanked rather than cut: line numbers in later errors stay those of the file.
        var blank = new StringBuilder(end - start);
        for (var i = start; i < end; i++) blank.Append(text[i] == '\n' ? '\n' : ' ');
        return (start, end, blank.ToString());
    }

    private static string Missing(Found f, HoconSourceMap map)
    {
        var written = "${" + (f.Optional ? "?" : "") + f.Path + "}";
        var where = $"{map.Place(f.Start)}: {(f.Field.Length > 0 ? f.Field + " = " : "")}{written}";
        return IsVariableName(f.Path)
            ? $"{where}: environment variable {f.Path} is not set; expected it set in ActorNet's environment, " +
              $"or ${{?{f.Path}}} for a value that may be left out (the default then applies)"
            : $"{where}: {f.Path} is not defined in the configuration nor in reference.conf; expected the path of a key " +
              "defined there, or the name of an environment variable (letters, digits and '_')";
    }

    private static string Replace(string text, IReadOnlyList<Found> found, Func<Found, string> replacement)
    {
        var rewritten = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var f in found)
        {
            rewritten.Append(text, copied, f.Start - copied).Append(replacement(f));
            copied = f.End;
        }
        return rewritten.Append(text, copied, text.Length - copied).ToString();
    }

    private static int SkipSpaces(string text, int from)
    {
        while (from < text.Length && text[from] is ' ' or '\t') from++;
        return from;
    }

    private static bool At(string text, int i, char c) => i < text.Length && text[i] == c;
}
