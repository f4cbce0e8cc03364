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
    public static string Print(Config config, string path)
    {
        var text = new StringBuilder();
        var value = config.GetValue(path);
        text.Append(path).Append(' ');
        Write(text, value, 0);
        text.AppendLine();
        return text.ToString();
    }

    private static void Write(StringBuilder text, HoconValue value, int depth)
    {
        if (HoconValues.IsNull(value))
        {
            text.Append("null");
        }
        else if (HoconValues.Text(value) is { } scalar)
        {
            text.Append(JsonSerializer.Serialize(scalar));
        }
        else if (HoconValues.Elements(value) is { } elements)
        {
            text.Append("[ ");
            for (var i = 0; i < elements.Count; i++)
            {
                if (i > 0) text.Append(", ");
                Write(text, elements[i], depth + 1);
            }
            text.Append(elements.Count == 0 ? "]" : " ]");
        }
        else if (value.IsObject())
        {
            WriteObject(text, value.GetObject(), depth);
        }
        else
        {
            text.Append("null");
        }
    }

    private static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? key : JsonSerializer.Serialize(key);

    private static void WriteObject(StringBuilder text, HoconObject block, int depth)
    {
        text.Append('{').AppendLine();
        foreach (var (key, value) in block.Items.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(' ', (depth + 1) * 2).Append(Key(key)).Append(" = ");
            Write(text, value, depth + 1);
            text.AppendLine();
        }
        text.Append(' ', depth * 2).Append('}');
    }
}
