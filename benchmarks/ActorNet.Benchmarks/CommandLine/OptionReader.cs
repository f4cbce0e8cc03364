using System.Globalization;

namespace ActorNet.Benchmarks.CommandLine;

/// <summary>
/// Reads <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c> options. Each getter names the option
/// and the bad value in its error; <see cref="ThrowIfUnread"/> rejects options no command asked for, so a typo
/// (<c>--conections</c>) fails instead of silently running with the default.
/// </summary>
public sealed class OptionReader
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <param name="args">The arguments after the command name.</param>
    /// <param name="flags">Options that take no value (e.g. <c>idle</c> for <c>--idle</c>).</param>
    public OptionReader(IReadOnlyList<string> args, params string[] flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}': options look like --name value");
            }

            string name = arg[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"option --{name} needs a value");
                }

                value = args[++i];
            }

            if (!_values.TryAdd(name, value))
            {
                throw new UsageException($"option --{name} is given twice");
            }
        }
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out string? value))
        {
            return false;
        }

        return value switch
        {
            null or "true" => true,
            "false" => false,
            _ => throw new UsageException($"option --{name} is a flag; '{value}' is not true or false"),
        };
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out string? value) ? value : null;
    }

    public int Int(string name, int? defaultValue, int min, int max)
    {
        long value = Long(name, defaultValue, min, max);
        return (int)value;
    }

    public long Long(string name, long? defaultValue, long min, long max)
    {
        string? text = String(name);
        if (text is null)
        {
            return defaultValue ?? throw new UsageException($"option --{name} is required");
        }

        // Underscores and commas allow readable counts such as 50_000 or 50,000.
        string digits = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw new UsageException($"option --{name}: '{text}' is not a whole number");
        }

        if (value < min || value > max)
        {
            throw new UsageException($"option --{name}: {value} is outside {min}..{max}");
        }

        return value;
    }

    public T Choice<T>(string name, T defaultValue, IReadOnlyDictionary<string, T> choices)
    {
        string? text = String(name);
        if (text is null)
        {
            return defaultValue;
        }

        return choices.TryGetValue(text, out T? value)
            ? value
            : throw new UsageException($"option --{name}: '{text}' is not one of {string.Join(", ", choices.Keys)}");
    }

    /// <summary>Fails on any option that no getter asked for.</summary>
    public void ThrowIfUnread()
    {
        string[] unknown = _values.Keys.Where(name => !_read.Contains(name)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown option{(unknown.Length > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(n => "--" + n))}");
        }
    }
}
