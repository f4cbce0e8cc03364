using System.CommandLine;
using System.CommandLine.Parsing;
using ActorNet.Configuration;

namespace ActorNet.Host.Commands.Tools;

/// <summary>
/// An option that takes a duration the way ActorNet's configuration writes one (<c>300ms</c>, <c>1s</c>, <c>5m</c>).
/// The default is kept here rather than in a DefaultValueFactory, whose help text would print a TimeSpan (00:00:01).
/// </summary>
public sealed class DurationOption
{
    private readonly TimeSpan? _default;

    private DurationOption(string name, string description, string? defaultText)
    {
        if (defaultText is not null)
        {
            if (!DurationParser.TryParse(defaultText, out var parsed))
                throw new ArgumentException($"\"{defaultText}\" is not a duration.", nameof(defaultText));
            _default = parsed;
        }

        Option = new Option<TimeSpan?>(name)
        {
            Description = defaultText is null ? description : $"{description} [default: {defaultText}]",
            HelpName = "DURATION",
            CustomParser = result => Parse(name, result),
        };
    }

    public Option<TimeSpan?> Option { get; }

    public static DurationOption WithDefault(string name, string description, string defaultText) => new(name, description, defaultText);

    /// <summary>An option that is off (null) unless given.</summary>
    public static DurationOption Optional(string name, string description) => new(name, description, null);

    public TimeSpan? GetValue(SymbolResult result) => result.GetValue(Option) ?? _default;

    public TimeSpan? GetValue(ParseResult result) => result.GetValue(Option) ?? _default;

    private static TimeSpan? Parse(string name, ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (DurationParser.TryParse(text, out var duration)) return duration;
        result.AddError($"{name}: \"{text}\" is not a duration; expected a number and a unit such as 300ms, 1s or 5m");
        return null;
    }
}
