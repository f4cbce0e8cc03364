using System.Text;
using System.Text.Json;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// Prints a configuration as HOCON that reads back to the same values. Akka's own printer leaves strings
/// unquoted, so a delimiter such as <c>"\n"</c> comes out as a bare line break; here every value is quoted
/// with JSON escapes, which HOCON accepts.
/// </summary>
public static class HoconPrinter
{
    /// <summary>Marks a value the printed file does not set (see <see cref="Print(Config, string, Func{string, bool}?, Func{string, bool}?)"/>).</summary>
    public const string DefaultMark = "# default";

    public static string Print(Config config, string path) => Print(config, path, isDefault: null, omit: null);

    /// <summary>
    /// The block <paramref name="path"/> of <paramref name="config"/>, one key a line.
    /// </summary>
    /// <param name="isDefault">Given a key's full path: whether its value comes from the defaults rather than the
    /// file; such a value is followed by <see cref="DefaultMark"/> (a block on its opening line, and each value in it).</param>
    /// <param name="omit">Given a key's full path: whether to leave it out.</param>
    public static string Print(Config config, string path, Func<string, bool>? isDefault, Func<string, bool>? omit)
    {
        var text = new StringBuilder();
        var value = config.GetValue(path);
        text.Append(path).Append(' ');
        new Writer(text, isDefault, omit).Write(value, path, 0);
        text.AppendLine();
        return text.ToString();
    }

    /// <summary><paramref name="value"/> as HOCON on one line: a quoted string, <c>[ ... ]</c> or <c>{ k = v, ... }</c>.</summary>
    public static string Inline(HoconValue value)
    {
        var text = new StringBuilder();
        WriteInline(text, value);
        return text.ToString();
    }

    private static void WriteInline(StringBuilder text, HoconValue value)
    {
        if (HoconValues.IsNull(value)) text.Append("null");
        else if (HoconValues.Text(value) is { } scalar) text.Append(JsonSerializer.Serialize(scalar));
        else if (HoconValues.Elements(value) is { } elements)
        {
            text.Append("[ ");
            for (var i = 0; i < elements.Count; i++)
            {
                if (i > 0) text.Append(", ");
                WriteInline(text, elements[i]);
            }
            text.Append(elements.Count == 0 ? "]" : " ]");
        }
        else if (value.IsObject())
        {
            text.Append("{ ");
            var first = true;
            foreach (var (key, item) in value.GetObject().Items.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!first) text.Append(", ");
                first = false;
                text.Append(Key(key)).Append(" = ");
                WriteInline(text, item);
            }
            text.Append('}');
        }
        else text.Append("null");
    }

    /// <summary><paramref name="key"/> as a path segment: as it is, or quoted when it holds more than letters, digits, - and _.</summary>
    public static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? key : JsonSerializer.Serialize(key);

    private sealed class Writer(StringBuilder text, Func<string, bool>? isDefault, Func<string, bool>? omit)
    {
        public void Write(HoconValue value, string path, int depth)
        {
            var mark = isDefault?.Invoke(path) == true;
            if (HoconValues.IsNull(value))
            {
                text.Append("null");
            }
            else if (HoconValues.Text(value) is not null || HoconValues.Elements(value) is not null || !value.IsObject())
            {
                WriteInline(text, value);
            }
            else
            {
                text.Append('{');
                if (mark) text.Append(' ').Append(DefaultMark);
                text.AppendLine();
                foreach (var (key, item) in value.GetObject().Items.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    var itemPath = $"{path}.{Key(key)}";
                    if (omit?.Invoke(itemPath) == true) continue;
                    text.Append(' ', (depth + 1) * 2).Append(Key(key)).Append(" = ");
                    Write(item, itemPath, depth + 1);
                    text.AppendLine();
                }
                text.Append(' ', depth * 2).Append('}');
                return;
            }
            if (mark) text.Append(' ').Append(DefaultMark);
        }
    }
}
