using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ActorNet.Metrics;

public sealed partial class PrometheusTextExporter
{
    // The text exposition format's rules: metric and label names, escaping, numbers.
    private static string MetricName(Instrument instrument, string type)
    {
        var name = Sanitize(instrument.Name, colonAllowed: true);
        var counter = type == "counter";
        if (counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        name = instrument.Unit switch
        {
            "s" when !HasWord(name, "seconds") => name + "_seconds",
            "By" when !HasWord(name, "bytes") => name + "_bytes",
            _ => name,
        };
        return counter ? name + "_total" : name;
    }

    private static bool HasWord(string name, string word) =>
        $"_{name}_".Contains($"_{word}_", StringComparison.Ordinal);

    // Metric names may hold colons, label names may not; neither may start with a digit or be empty.
    private static string Sanitize(string name, bool colonAllowed)
    {
        var result = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            result.Append('_');
        }

        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (colonAllowed && c == ':') ? c : '_');
        }

        return result.ToString();
    }

    // HELP text escapes backslash and line feed; label values also escape the double quote.
    private static string Escape(string text, bool quotes)
    {
        if (text.AsSpan().IndexOfAny(quotes ? "\\\"\n" : "\\\n") < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    result.Append(@"\\");
                    break;
                case '\n':
                    result.Append(@"\n");
                    break;
                case '"' when quotes:
                    result.Append("\\\"");
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }

    // How a tag value reads as a label value; the allocating twin of Rendered, for a new tag set only.
    private static string Render(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Render without allocating for strings and the usual value types, so that finding a cell allocates nothing.
    private static ReadOnlySpan<char> Rendered(object? value, Span<char> buffer) => value switch
    {
        null => default,
        string text => text,
        bool flag => flag ? "true" : "false",
        ISpanFormattable formattable when formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture)
            => buffer[..written],
        _ => Render(value),
    };

    // The exposition spells the infinities and NaN its own way; everything else is the shortest round-trip form.
    private static ReadOnlySpan<char> Format(double value, Span<char> buffer)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture);
        return buffer[..written];
    }

    private static void WriteValue(TextWriter writer, long value)
    {
        Span<char> buffer = stackalloc char[20];
        value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture);
        writer.Write(buffer[..written]);
        writer.Write('\n');
    }

    private static void WriteValue(TextWriter writer, double value)
    {
        writer.Write(Format(value, stackalloc char[32]));
        writer.Write('\n');
    }

    private static void AddDouble(ref long bits, double value)
    {
        var seen = Interlocked.Read(ref bits);
        while (true)
        {
            var sum = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            var previous = Interlocked.CompareExchange(ref bits, sum, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
