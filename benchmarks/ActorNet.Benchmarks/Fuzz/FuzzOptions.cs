using System.Globalization;
using ActorNet.Benchmarks.CommandLine;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>The options <c>fuzz</c> and <c>fuzz-send</c> share; <c>fuzz</c> passes them on to its generator.</summary>
public sealed record FuzzOptions(IReadOnlyList<FuzzShape> Shapes, long Frames, int Seed, int MutationPercent, int Concurrency)
{
    public static FuzzOptions Read(OptionReader options, bool single)
    {
        var framings = Names(options.String("framing") ?? (single ? null : "all"), FuzzShapes.Framings, "framing");
        var parsers = Names(options.String("parser") ?? (single ? null : "all"), FuzzShapes.Parsers, "parser");
        if (single && (framings.Count != 1 || parsers.Count != 1))
        {
            throw new UsageException("fuzz-send takes exactly one --framing and one --parser");
        }

        return new FuzzOptions(
            [.. framings.SelectMany(framing => parsers.Select(parser => new FuzzShape(framing, parser)))],
            options.Long("frames", 1_000_000, 1, 1_000_000_000),
            options.Int("seed", 42, 0, int.MaxValue),
            options.Int("mutation-percent", 10, 0, 100),
            options.Int("concurrency", 8, 1, 256));
    }

    /// <summary>The options to give <c>fuzz-send</c> for one shape.</summary>
    public IEnumerable<string> SendArguments(FuzzShape shape) =>
    [
        "--framing", FuzzShapes.Name(shape.Framing), "--parser", FuzzShapes.Name(shape.Parser),
        "--frames", Frames.ToString(CultureInfo.InvariantCulture), "--seed", Seed.ToString(CultureInfo.InvariantCulture),
        "--mutation-percent", MutationPercent.ToString(CultureInfo.InvariantCulture),
        "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>A name, a comma-separated list of names, or <c>all</c>.</summary>
    private static List<T> Names<T>(string? text, IReadOnlyDictionary<string, T> choices, string option)
    {
        if (text is null) throw new UsageException($"option --{option} is required");
        if (text == "all") return [.. choices.Values];
        var chosen = new List<T>();
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            chosen.Add(choices.TryGetValue(name, out T? value)
                ? value
                : throw new UsageException($"option --{option}: '{name}' is not one of all, {string.Join(", ", choices.Keys)}"));
        }

        return chosen;
    }
}
