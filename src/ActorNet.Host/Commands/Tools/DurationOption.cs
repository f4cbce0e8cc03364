using System.CommandLine;
using System.CommandLine.Parsing;
using ActorNet.Configuration;

namespace ActorNet.Host.Commands.Tools;

/// <summary>Options that take a duration the way ActorNet's configuration writes one: <c>300ms</c>, <c>1s</c>, <c>5m</c>.</summary>
public static class DurationOption
{
    public static Option<TimeSpan> Create(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(name, result) ?? default,
    };

    /// <summary>An option that is off unless given.</summary>
    public static Option<TimeSpan?> CreateOptional(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result => Parse(name, result),
    };

    private static TimeSpan? Parse(string name, ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        var text = result.Tokens[0].Value;
        if (DurationParser.TryParse(text, out var duration)) return duration;
        result.AddError($"{name}: \"{text}\" is not a duration; expected a number and a unit such as 300ms, 1s or 5m");
        return null;
    }
}
