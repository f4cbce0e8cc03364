using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// Reads one block of the configuration (a source, a sink, ...) whose keys are overlaid on a block of
/// defaults. Every getter validates and, on a bad value, records an error that names the full key, the
/// value and what was expected, then returns a harmless placeholder so that all errors are collected in
/// one pass instead of stopping at the first.
/// </summary>
/// <remarks>
/// One mistake gives one error: a getter that finds a list, a block or <c>null</c> where it wants a single value
/// reports that and nothing more, and a block that is not a block (<c>framing = delimiter</c>) is reported once by
/// <see cref="Section"/>, whose returned section then reads placeholders silently. Checks across keys ask
/// <see cref="Valid"/> first, so that a placeholder never shows up in an error.
/// </remarks>
internal sealed class ConfigSection
{
    private readonly HoconObject? _block;
    private readonly List<string> _errors;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <param name="path">The full key of the block, or "" for the top of the configuration.</param>
    /// <param name="block">The block's keys; null for a block whose wrong shape is already reported.</param>
    /// <param name="errors">Where errors are collected.</param>
    public ConfigSection(string path, HoconObject? block, List<string> errors)
    {
        Path = path;
        _block = block;
        _errors = errors;
    }

    /// <summary>The full key of this block, e.g. <c>actornet.sources.sensors</c>.</summary>
    public string Path { get; }

    public string Key(string name) => Path.Length == 0 ? ConfigKeyText.Segment(name) : $"{Path}.{ConfigKeyText.Segment(name)}";

    /// <summary>A section over <paramref name="block"/> with <paramref name="defaults"/> for the keys it leaves out.</summary>
    public static ConfigSection Overlay(string path, HoconObject block, HoconObject defaults, List<string> errors)
    {
        var merged = new Config(new HoconRoot(Wrap(block))).WithFallback(new Config(new HoconRoot(Wrap(defaults))));
        return new ConfigSection(path, merged.Root.GetObject(), errors);
    }

    /// <summary>The nested block <paramref name="name"/>; see <see cref="Block"/>.</summary>
    public ConfigSection Section(string name, string example) => new(Key(name), Block(name, example), _errors);

    /// <summary>
    /// The nested block <paramref name="name"/>, or null after reporting that it is missing or is a single value, a
    /// list or <c>null</c>. <paramref name="example"/> shows a valid block, e.g. <c>{ type = delimiter }</c>.
    /// </summary>
    public HoconObject? Block(string name, string example)
    {
        if (_block is null) return null;
        var value = Value(name);
        if (value is not null && value.IsObject()) return value.GetObject();
        Error(name, value is null ? null : HoconValues.Describe(value),
            value is null ? $"is missing; expected a block such as {example}" : $"a block such as {example}");
        return null;
    }

    /// <summary>
    /// The entries of a block of named blocks (<c>actornet.sources</c>, <c>actornet.sinks</c>), in name order. An entry
    /// set to <c>null</c> is left out, and so is the whole block set to <c>null</c>: that is how HOCON removes what a
    /// fallback such as reference.conf defines. Any other entry that is not a block is reported (and
    /// <see cref="Valid"/> then says so for <paramref name="name"/>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, HoconObject>> Entries(string name, string example, string entryExample)
    {
        var value = Value(name);
        if (_block is null || value is null || HoconValues.IsNull(value)) return [];
        if (!value.IsObject())
        {
            Error(name, HoconValues.Describe(value), $"a block of named entries such as {example}");
            return [];
        }

        var entries = new List<KeyValuePair<string, HoconObject>>();
        foreach (var (key, entry) in value.GetObject().Items.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (entry.IsEmpty || HoconValues.IsNull(entry)) continue;
            if (entry.IsObject())
                entries.Add(new(key, entry.GetObject()));
            else
            {
                _reported.Add(name);
                _errors.Add($"{Key(name)}.{ConfigKeyText.Segment(key)}: \"{HoconValues.Describe(entry)}\" is not valid; expected a block such as {entryExample}");
            }
        }
        return entries;
    }

    public void Error(string name, string? value, string expected)
    {
        _reported.Add(name);
        _errors.Add(value is null
            ? $"{Key(name)}: {expected}"
            : $"{Key(name)}: \"{value}\" is not valid; expected {expected}");
    }

    /// <summary>Whether none of <paramref name="names"/> has been reported, so that a check across them is meaningful.</summary>
    public bool Valid(params string[] names) => _block is not null && !names.Any(_reported.Contains);

    /// <summary>
    /// The single value <paramref name="name"/> as written, or null after reporting that it is missing or is a
    /// list, a block or <c>null</c>; <paramref name="expected"/> completes "expected ..." in that error.
    /// </summary>
    public string? Text(string name, string expected)
    {
        if (_block is null) return null;
        var value = Value(name);
        if (value is null)
        {
            Error(name, null, $"is missing; expected {expected}");
            return null;
        }
        var text = HoconValues.Text(value);
        if (text is null) Error(name, HoconValues.Describe(value), expected);
        return text;
    }

    public string String(string name, string expected = "a non-empty string")
    {
        var text = Text(name, expected);
        if (text is "") Error(name, null, $"is missing; expected {expected}");
        return text ?? "";
    }

    public int Int(string name, int min, int max) => (int)Long(name, min, max);

    public long Long(string name, long min, long max) => LongOr(name, keyword: null, min, max) ?? min;

    /// <summary>An integer within [min, max], or null for <paramref name="keyword"/> (such as <c>auto</c>).</summary>
    public int? IntOr(string name, string keyword, int min, int max) => (int?)LongOr(name, keyword, min, max);

    /// <summary>A number from 0 to 1, such as <c>0.2</c>.</summary>
    public double Fraction(string name)
    {
        const string expected = "a number from 0 to 1, such as 0.2";
        var text = Text(name, expected);
        if (text is null) return 0;
        if (double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture,
                out var value) && value is >= 0 and <= 1)
            return value;
        Error(name, text, expected);
        return 0;
    }

    /// <summary>A size such as <c>64 KiB</c>, within [min, max] bytes.</summary>
    public int Size(string name, int min, int max) => (int)LongSize(name, min, max);

    /// <summary>A size such as <c>10 GiB</c>, within [min, max] bytes.</summary>
    public long LongSize(string name, long min, long max) => SizeOrAuto(name, min, max, autoMeans: null) ?? min;

    /// <summary>As <see cref="LongSize"/>, or <c>auto</c>, which gives null: the caller derives the value.</summary>
    public long? LongSizeOrAuto(string name, long min, long max, string autoMeans) => SizeOrAuto(name, min, max, autoMeans);

    private long? SizeOrAuto(string name, long min, long max, string? autoMeans)
    {
        var expected = $"a size from {HoconUnits.Size(min)} to {HoconUnits.Size(max)}, such as 512, 64 KiB or 4 MiB"
                       + (autoMeans is null ? "" : $", or auto ({autoMeans})");
        var text = Text(name, expected);
        if (text is null) return min;
        if (autoMeans is not null && text == "auto") return null;
        if (SizeParser.TryParse(text, out var bytes) && bytes >= min && bytes <= max) return bytes;
        Error(name, text, expected);
        return min;
    }

    /// <summary>A duration such as <c>10s</c> within [min, max]; <c>off</c> gives null when allowed.</summary>
    public TimeSpan? Duration(string name, TimeSpan min, TimeSpan max, bool allowOff)
    {
        var expected = $"a duration from {HoconUnits.Duration(min)} to {HoconUnits.Duration(max)}, such as 250ms, 10s or 5m{(allowOff ? ", or off" : "")}";
        var text = Text(name, expected);
        if (text is null) return allowOff ? null : min;
        if (allowOff && text is "off" or "none" or "infinite") return null;
        if (DurationParser.TryParse(text, out var d) && d >= min && d <= max) return d;
        Error(name, text, expected);
        return allowOff ? null : min;
    }

    public TimeSpan RequiredDuration(string name, TimeSpan min, TimeSpan max) =>
        Duration(name, min, max, allowOff: false) ?? min;

    public bool Bool(string name)
    {
        switch (Text(name, "on or off"))
        {
            case "on" or "true" or "yes": return true;
            case "off" or "false" or "no" or null: return false;
            case var text:
                Error(name, text, "on or off");
                return false;
        }
    }

    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices)
    {
        var expected = "one of " + string.Join(", ", choices.Keys);
        var text = Text(name, expected);
        if (text is not null && choices.TryGetValue(text, out var value)) return value;
        if (text is not null) Error(name, text, expected);
        return choices.Values.First();
    }

    /// <summary>One of <paramref name="names"/> (a parser, a sink type), or "" after reporting another value.</summary>
    public string OneOf(string name, IReadOnlyCollection<string> names)
    {
        var expected = "one of " + string.Join(", ", names);
        var text = Text(name, expected);
        if (text is null || names.Contains(text)) return text ?? "";
        Error(name, text, expected);
        return "";
    }

    /// <summary>A list of single values such as <c>[ file, rejects ]</c>, or null after reporting a value of another shape.</summary>
    public IReadOnlyList<string>? StringList(string name, string expected)
    {
        if (_block is null) return null;
        var value = Value(name);
        if (value is null)
        {
            Error(name, null, $"is missing; expected {expected}");
            return null;
        }
        var texts = HoconValues.Elements(value)?.Select(HoconValues.Text).ToArray();
        if (texts is null || Array.Exists(texts, t => t is null))
        {
            Error(name, HoconValues.Describe(value), expected);
            return null;
        }
        return texts.Select(t => t!).ToArray();
    }

    /// <summary>
    /// Records an error for every key of <paramref name="user"/>, at every depth, that <paramref name="defaults"/>
    /// does not define (a typo such as <c>max-conections</c> would otherwise be silently ignored); the error lists
    /// every key that is valid there. reference.conf is the only list of keys: a block it adds is checked as it stands.
    /// </summary>
    /// <remarks>
    /// A block that is empty in the defaults (<c>sources { }</c>) holds entries the user names, so its keys are not
    /// checked here; neither are those of <paramref name="entries"/> (<c>sinks</c>, whose defaults are entries too):
    /// the code that reads such entries checks each against its own defaults.
    /// </remarks>
    public static void RejectUnknownKeys(string path, HoconObject? user, HoconObject defaults, List<string> errors,
        ISet<string>? entries = null)
    {
        if (user is null) return;
        foreach (var (key, value) in user.Items)
        {
            if (!defaults.Items.TryGetValue(key, out var known))
            {
                errors.Add($"{path}.{ConfigKeyText.Segment(key)}: unknown key; expected one of {string.Join(", ", defaults.Items.Keys.Order(StringComparer.Ordinal))}" +
                    ClosestKeys.Hint(key, defaults.Items.Keys));
                continue;
            }
            if (entries?.Contains(key) == true) continue;
            if (known.IsObject() && value.IsObject() && known.GetObject().Items.Count > 0)
                RejectUnknownKeys($"{path}.{ConfigKeyText.Segment(key)}", value.GetObject(), known.GetObject(), errors);
        }
    }

    private long? LongOr(string name, string? keyword, long min, long max)
    {
        var expected = $"an integer from {min} to {max}" + (keyword is null ? "" : $", or {keyword}");
        var text = Text(name, expected);
        if (text is null) return min;
        if (text == keyword) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        Error(name, text, expected);
        return min;
    }

    // An empty value (`key = ` before a newline) counts as missing, as it did for Akka's own getters.
    private HoconValue? Value(string name) =>
        _block is not null && _block.Items.TryGetValue(name, out var value) && !value.IsEmpty ? value : null;

    private static HoconValue Wrap(HoconObject block)
    {
        var value = new HoconValue();
        value.AppendValue(block);
        return value;
    }
}
