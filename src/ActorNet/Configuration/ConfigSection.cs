using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// Reads one block of the configuration (a source, a sink, ...) whose keys are overlaid on a block of
/// defaults. Every getter validates and, on a bad value, records an error that names the full key, the
/// value and what was expected, then returns a harmless placeholder so that all errors are collected in
/// one pass instead of stopping at the first.
/// </summary>
internal sealed class ConfigSection
{
    private readonly Config _config;
    private readonly List<string> _errors;

    public ConfigSection(string path, Config config, List<string> errors)
    {
        Path = path;
        _config = config;
        _errors = errors;
    }

    /// <summary>The full key of this block, e.g. <c>actornet.sources.sensors</c>.</summary>
    public string Path { get; }

    public string Key(string name) => $"{Path}.{name}";

    public ConfigSection Section(string name) => new(Key(name), _config.GetConfig(name) ?? Config.Empty, _errors);

    public void Error(string name, string? value, string expected) =>
        _errors.Add(value is null
            ? $"{Key(name)}: {expected}"
            : $"{Key(name)}: \"{value}\" is not valid; expected {expected}");

    public bool HasValue(string name) => _config.HasPath(name);

    public string? Raw(string name)
    {
        var value = _config.GetValue(name);
        // Not value.IsEmpty: it is true for whitespace-only strings, and "\n" is a real delimiter.
        if (value is null || value.Values.Count == 0) return null;
        if (!value.IsString())
        {
            Error(name, null, "expected a single value, found an object or a list");
            return null;
        }
        var text = value.GetString();
        // Akka's HOCON trims the concatenated value, turning "\n" or "\r\n" into "": for a whitespace-only
        // value take the first literal as written.
        if (text.Length == 0 && value.Values[0] is HoconLiteral literal) return literal.Value ?? "";
        return text;
    }

    public string String(string name, string expected = "a non-empty string")
    {
        var raw = Raw(name);
        if (string.IsNullOrEmpty(raw))
        {
            Error(name, null, $"is missing; expected {expected}");
            return "";
        }
        return raw;
    }

    public int Int(string name, int min, int max)
    {
        var raw = Raw(name);
        if (raw is not null && int.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        Error(name, raw ?? "", $"an integer from {min} to {max}");
        return min;
    }

    public long Long(string name, long min, long max)
    {
        var raw = Raw(name);
        if (raw is not null && long.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        Error(name, raw ?? "", $"an integer from {min} to {max}");
        return min;
    }

    /// <summary>A size such as <c>64 KiB</c>, within [min, max] bytes.</summary>
    public int Size(string name, int min, int max)
    {
        var raw = Raw(name);
        if (raw is not null && SizeParser.TryParse(raw, out var bytes) && bytes >= min && bytes <= max)
            return (int)bytes;
        Error(name, raw ?? "", $"a size from {min} to {max} bytes, such as 512, 64 KiB or 4 MiB");
        return min;
    }

    /// <summary>A duration such as <c>10s</c> within [min, max]; <c>off</c> gives null when allowed.</summary>
    public TimeSpan? Duration(string name, TimeSpan min, TimeSpan max, bool allowOff)
    {
        var raw = Raw(name);
        if (allowOff && raw is "off" or "none" or "infinite") return null;
        if (raw is not null && DurationParser.TryParse(raw, out var d) && d >= min && d <= max) return d;
        Error(name, raw ?? "", $"a duration from {min} to {max} such as 250ms, 10s or 5m{(allowOff ? ", or off" : "")}");
        return allowOff ? null : min;
    }

    public TimeSpan RequiredDuration(string name, TimeSpan min, TimeSpan max) =>
        Duration(name, min, max, allowOff: false) ?? min;

    public bool Bool(string name)
    {
        var raw = Raw(name);
        switch (raw)
        {
            case "on" or "true" or "yes": return true;
            case "off" or "false" or "no": return false;
            default:
                Error(name, raw ?? "", "on or off");
                return false;
        }
    }

    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices)
    {
        var raw = Raw(name);
        if (raw is not null && choices.TryGetValue(raw, out var value)) return value;
        Error(name, raw ?? "", "one of " + string.Join(", ", choices.Keys));
        return choices.Values.First();
    }

    public IReadOnlyList<string> StringList(string name)
    {
        var value = _config.GetValue(name);
        if (value is null || !value.IsArray())
        {
            Error(name, value?.ToString(), "a list of names, such as [ file ]");
            return [];
        }
        return value.GetArray().Select(v => v.GetString()).ToArray();
    }

    /// <summary>
    /// Records an error for every key of <paramref name="user"/> that <paramref name="defaults"/> does not
    /// define (a typo such as <c>max-conections</c> would otherwise be silently ignored).
    /// </summary>
    public static void RejectUnknownKeys(string path, HoconObject? user, HoconObject defaults, List<string> errors,
        ISet<string>? ignore = null)
    {
        if (user is null) return;
        foreach (var (key, value) in user.Items)
        {
            if (ignore?.Contains(key) == true) continue;
            if (!defaults.Items.TryGetValue(key, out var known))
            {
                var expected = string.Join(", ", defaults.Items.Keys.Where(k => ignore?.Contains(k) != true).Order());
                errors.Add($"{path}.{key}: unknown key; expected one of {expected}");
                continue;
            }
            if (known.IsObject() && value.IsObject())
                RejectUnknownKeys($"{path}.{key}", value.GetObject(), known.GetObject(), errors);
        }
    }
}
