using Microsoft.Extensions.Logging;

namespace ActorNet.Configuration;

/// <summary>How ActorNet logs (<c>actornet.log</c>): read by the host, which builds its logger from it.</summary>
/// <param name="Level">Events below it are dropped, unless <see cref="Levels"/> says otherwise for their category.</param>
/// <param name="Format">Text lines for people, or JSON lines (Serilog's compact format) for log shippers.</param>
/// <param name="File">Where the log is also written, or null for standard output only.</param>
/// <param name="SummaryInterval">How often each active source's summary is logged; null for never.</param>
public sealed record LogSettings(LogLevel Level, LogFormat Format, LogFileSettings? File, TimeSpan? SummaryInterval)
{
    /// <summary>The names a level is written with, in configuration and after <c>--log-level</c>, most verbose first.</summary>
    public static IReadOnlyDictionary<string, LogLevel> LevelNames { get; } = new Dictionary<string, LogLevel>(StringComparer.Ordinal)
    {
        ["trace"] = LogLevel.Trace,
        ["debug"] = LogLevel.Debug,
        ["info"] = LogLevel.Information,
        ["warning"] = LogLevel.Warning,
        ["error"] = LogLevel.Error,
        ["critical"] = LogLevel.Critical,
        ["off"] = LogLevel.None,
    };

    private const string Inherit = "inherit";

    private static readonly Dictionary<string, LogLevel?> CategoryLevelNames =
        LevelNames.Select(kv => KeyValuePair.Create(kv.Key, (LogLevel?)kv.Value)).Append(KeyValuePair.Create(Inherit, (LogLevel?)null))
            .ToDictionary(StringComparer.Ordinal);

    private static readonly Dictionary<string, LogFormat> Formats = new(StringComparer.Ordinal) { ["text"] = LogFormat.Text, ["json"] = LogFormat.Json };

    private static readonly Dictionary<string, LogRolling> Rollings = new(StringComparer.Ordinal)
    {
        ["day"] = LogRolling.Day,
        ["hour"] = LogRolling.Hour,
        ["minute"] = LogRolling.Minute,
        ["month"] = LogRolling.Month,
        ["year"] = LogRolling.Year,
        ["off"] = LogRolling.Off,
    };

    /// <summary>The settings reference.conf gives: what an <see cref="ActorNetSettings"/> built in code logs with.</summary>
    public static LogSettings Reference { get; } = ReadReference();

    /// <summary>
    /// Levels of categories (or category prefixes, <see cref="LogCategories"/>) that differ from <see cref="Level"/>,
    /// from <c>actornet.log.levels</c>.
    /// </summary>
    public IReadOnlyDictionary<string, LogLevel> Levels { get; init; } = new Dictionary<string, LogLevel>();

    /// <summary>
    /// Events waiting to be written, per output (standard output, the file), from <c>actornet.log.queue-size</c>: past
    /// it an event is dropped (and counted) rather than holding up the actor that logs it.
    /// </summary>
    public int QueueSize { get; init; } = 10_000;

    /// <summary>The level Akka.NET's own events are published at (its <c>akka.loglevel</c>), from <c>levels.akka</c> or <see cref="Level"/>.</summary>
    public LogLevel AkkaLevel => Levels.GetValueOrDefault(LogCategories.Akka, Level);

    internal static LogSettings Read(ConfigSection log)
    {
        var level = log.Choice("level", LevelNames);
        var format = log.Choice("format", Formats);
        var summary = log.Duration("summary-interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), allowOff: true);
        var queueSize = log.Int("queue-size", 1, 10_000_000);

        var levelsSection = log.Section("levels", "{ connection = debug }");
        var levels = new Dictionary<string, LogLevel>(StringComparer.Ordinal);
        foreach (var (key, category) in LogCategories.ByKey)
            if (levelsSection.Choice(key, CategoryLevelNames) is { } categoryLevel) levels[category] = categoryLevel;

        return new LogSettings(level, format, ReadFile(log.Section("file", "{ path = \"logs/actornet.log\" }")), summary) { Levels = levels, QueueSize = queueSize };
    }

    private static LogFileSettings? ReadFile(ConfigSection file)
    {
        var path = file.Text("path", "a file to write the log to, such as \"logs/actornet.log\", or off") ?? "";
        var rolling = file.Choice("rolling", Rollings);
        var maxSize = file.Text("max-size", "a size such as 100 MiB, or off") is "off" ? (long?)null : file.LongSize("max-size", 1024, long.MaxValue);
        var retained = file.IntOr("retained", "off", 1, 100_000);
        if (path is "" or "off") return null;
        if (path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0) file.Error("path", path, "a file path");
        return new LogFileSettings(path, rolling, maxSize, retained);
    }

    private static LogSettings ReadReference()
    {
        var errors = new List<string>();
        var block = ActorNetSettings.Reference.GetConfig("actornet.log").Root.GetObject();
        var settings = Read(new ConfigSection("actornet.log", block, errors));
        return errors.Count == 0 ? settings : throw new InvalidConfigurationException(errors);
    }

    // A record compares a dictionary by reference: two settings read from the same text would differ.
    public bool Equals(LogSettings? other) =>
        other is not null && Level == other.Level && Format == other.Format && Equals(File, other.File) && SummaryInterval == other.SummaryInterval
        && QueueSize == other.QueueSize && Levels.Count == other.Levels.Count && Levels.All(kv => other.Levels.TryGetValue(kv.Key, out var l) && l == kv.Value);

    public override int GetHashCode() => HashCode.Combine(Level, Format, File, SummaryInterval, Levels.Count);
}

/// <summary>The log file: Serilog.Sinks.File's rolling and retention.</summary>
/// <param name="Path">The file; a rolled file's name gets the period (<c>actornet20261206.log</c>) and a sequence number after a size roll.</param>
/// <param name="Rolling">Start a new file every period, or <see cref="LogRolling.Off"/> for one file.</param>
/// <param name="MaxSize">A file that reaches it rolls to a new one; null for no limit.</param>
/// <param name="Retained">How many files are kept, the current one included; null keeps them all.</param>
public sealed record LogFileSettings(string Path, LogRolling Rolling, long? MaxSize, int? Retained);

public enum LogFormat
{
    Text,
    Json,
}

public enum LogRolling
{
    Off,
    Minute,
    Hour,
    Day,
    Month,
    Year,
}
