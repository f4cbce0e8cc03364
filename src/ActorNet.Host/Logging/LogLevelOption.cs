using System.CommandLine;
using ActorNet.Configuration;

namespace ActorNet.Host.Logging;

/// <summary><c>--log-level LEVEL</c>: overrides <c>actornet.log.level</c> (the per-category levels stay as configured).</summary>
internal static class LogLevelOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--log-level")
        {
            Description = "Overrides actornet.log.level: " + string.Join(", ", LogSettings.LevelNames.Keys),
        };
        option.AcceptOnlyFromAmong([.. LogSettings.LevelNames.Keys]);
        return option;
    }

    /// <summary><paramref name="settings"/> with the level given on the command line, if one was.</summary>
    public static ActorNetSettings Apply(ActorNetSettings settings, string? level) =>
        level is null ? settings : settings with { Log = settings.Log with { Level = LogSettings.LevelNames[level] } };
}
