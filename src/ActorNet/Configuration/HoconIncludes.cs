using System.Text;

namespace ActorNet.Configuration;

/// <summary>
/// Reads a configuration file with every <c>include</c> directive replaced by the text of the file it names, itself
/// expanded, each name relative to the file that includes it. Akka's parser then reads the result as one text.
/// </summary>
/// <remarks>
/// <para>
/// Why expand the text rather than hand Akka's parser an include callback (<c>ConfigurationFactory.ParseString(text,
/// callback)</c>): its tokenizer knows only <c>include "name"</c>, and reads <c>include file("name")</c>,
/// <c>include required(...)</c> or <c>include url(...)</c> as a key named <c>include file(</c> that swallows the block
/// after it, so these have to be found here anyway. Its callback is given the name alone, not the file that includes
/// it. And it parses each included file on its own: a substitution there cannot see the including file's keys, and
/// one that refers to the included file's own keys fails at the top level, where Akka prefixes its path with a lone
/// <c>.</c> (<c>Unresolved substitution: .x</c>, checked against Akka 1.5.74).
/// </para>
/// <para>
/// Consequences of expanding text, written down in reference.conf: an included file's keys land where the directive
/// stands (inside <c>a { }</c> under <c>a</c>), later keys win over earlier ones as within one file, and a
/// substitution in an included file is resolved against the whole configuration (the HOCON specification would first
/// look for it relative to the including block). Each file's brackets and strings are checked on their own first, so
/// that a syntax error names the file it is in.
/// </para>
/// </remarks>
internal static class HoconIncludes
{
    // Far deeper than any layout of shared files needs. A cycle through a symbolic link to a parent directory shows a
    // new path at every step, so the check on paths alone would never stop it.
    internal const int MaxDepth = 32;

    /// <summary>The text of <paramref name="path"/> with its includes expanded, and every problem found on the way.</summary>
    public static (string Text, IReadOnlyList<string> Errors) Expand(string path)
    {
        var (text, errors, _) = ExpandWithMap(path);
        return (text, errors);
    }

    /// <summary>As <see cref="Expand"/>, with where each part of the expanded text came from.</summary>
    public static (string Text, IReadOnlyList<string> Errors, HoconSourceMap Map) ExpandWithMap(string path)
    {
        var errors = new List<string>();
        var map = new HoconSourceMap();
        var file = Path.GetFullPath(path);
        var text = ReadFile(file, errors, place: null);
        var expanded = text is null ? "" : ExpandFile(file, text, [file], errors, wrappedInBraces: false, map);
        return (expanded, errors, map);
    }

    private static string ExpandFile(string file, string text, List<string> chain, List<string> errors, bool wrappedInBraces, HoconSourceMap map)
    {
        if (HoconSyntaxCheck.FindError(text) is { } syntax)
        {
            errors.Add($"HOCON syntax error in {file}: {syntax}");
            return "";
        }
        var original = text;

        var scan = HoconIncludeScanner.Find(text);
        if (wrappedInBraces && scan.RootOpen >= 0)
        {
            // `{ a = 1 }` is a whole file's object; put where a key may stand, only its inside belongs there. Blanked
            // rather than cut, so that the directives keep their places.
            var chars = text.ToCharArray();
            chars[scan.RootOpen] = chars[scan.RootClose] = ' ';
            text = new string(chars);
        }

        var expanded = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var directive in scan.Directives)
        {
            map.Add(expanded.Length, file, original, copied);
            expanded.Append(text, copied, directive.Start - copied);
            // On lines of their own: the included text may end in a comment, and its fields need a separator from the
            // including file's. A ',' after the directive would then stand alone at the start of a line, which Akka refuses.
            expanded.Append('\n');
            var nested = new HoconSourceMap();
            var included = Include(file, directive, chain, errors, nested);
            map.Add(expanded.Length, nested);
            expanded.Append(included);
            map.Add(expanded.Length, file, original, directive.End);
            expanded.Append('\n');
            copied = directive.End;
            var next = copied;
            while (next < text.Length && text[next] is ' ' or '\t') next++;
            if (next < text.Length && text[next] == ',') copied = next + 1;
        }
        map.Add(expanded.Length, file, original, copied);
        expanded.Append(text, copied, text.Length - copied);
        return expanded.ToString();
    }

    /// <summary>The expanded text of the file <paramref name="directive"/> names, or "" after ignoring or reporting it.</summary>
    private static string Include(string file, HoconIncludeDirective directive, List<string> chain, List<string> errors, HoconSourceMap map)
    {
        var place = $"{file}, line {directive.Line}: {directive.Text}";
        if (directive.Problem is not null)
        {
            errors.Add($"{place}: {directive.Problem}");
            return "";
        }

        string target;
        try
        {
            target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, directive.Name!));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"{place}: \"{directive.Name}\" is not a usable path ({e.Message}); expected a file name");
            return "";
        }

        if (chain.Contains(target, StringComparer.Ordinal))
        {
            errors.Add($"{place}: \"{target}\" is already being included ({string.Join(" -> ", chain.Append(target))}); " +
                "expected includes without a cycle");
            return "";
        }
        if (chain.Count >= MaxDepth)
        {
            errors.Add($"{place}: includes nested more than {MaxDepth} deep ({chain[0]} -> ... -> {target}); " +
                "expected fewer levels (a symbolic link to a parent directory can hide a cycle)");
            return "";
        }
        if (Directory.Exists(target))
        {
            errors.Add($"{place}: \"{target}\" is a directory; expected a HOCON file");
            return "";
        }
        if (!File.Exists(target))
        {
            // The HOCON specification ignores a missing file unless the include is required(...).
            if (directive.Required)
                errors.Add($"{place}: \"{target}\" does not exist; expected an existing file (required(...) makes a missing file an error)");
            return "";
        }

        var text = ReadFile(target, errors, place);
        if (text is null) return "";
        chain.Add(target);
        var expanded = ExpandFile(target, text, chain, errors, wrappedInBraces: true, map);
        chain.RemoveAt(chain.Count - 1);
        return expanded;
    }

    /// <summary>The text of <paramref name="file"/>, or null after reporting why it cannot be read.</summary>
    /// <param name="place">The directive that names the file, or null for the top file.</param>
    private static string? ReadFile(string file, List<string> errors, string? place)
    {
        var prefix = place is null ? "" : place + ": ";
        try
        {
            return File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            errors.Add($"{prefix}\"{file}\" does not exist; expected a HOCON file");
        }
        catch (DirectoryNotFoundException)
        {
            errors.Add($"{prefix}\"{file}\" does not exist; expected a HOCON file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{prefix}\"{file}\" cannot be read ({e.Message}); expected a readable HOCON file");
        }
        return null;
    }
}
