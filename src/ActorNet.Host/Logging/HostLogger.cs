using ActorNet.Configuration;
using ActorNet.Logging;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using AkkaLevel = Akka.Event.LogLevel;

namespace ActorNet.Host.Logging;

/// <summary>
/// The host's Serilog logger, built from <c>actornet.log</c>: standard output, and a rolling file when configured,
/// in text or compact JSON; the level, and one level per component category.
/// </summary>
internal static class HostLogger
{
    public static Logger Create(LogSettings settings)
    {
        var formatter = Formatter(settings.Format);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(ToSerilog(settings.Level))
            .Enrich.FromLogContext()
            // Only where an event has none: the host's own lines (a fatal error at start-up) come from Serilog's static Log.
            .Enrich.WithProperty("SourceContext", LogCategories.Hosting);
        foreach (var (category, level) in settings.Levels)
            configuration.MinimumLevel.Override(category, ToSerilog(level));

        // Actors log on their own threads (see ActorNetLogging): the async wrappers leave the writing to a background
        // thread, so a slow terminal, a full pipe to journald or a slow disk never holds up a connection. When its
        // queue (log.queue-size events) is full, an event is dropped, and counted, rather than blocking the actor that
        // logs it.
        configuration.WriteTo.Async(to => to.Console(formatter), settings.QueueSize, blockWhenFull: false, new DroppedLogEvents("console"));
        if (settings.File is { } file)
        {
            configuration.WriteTo.Async(to => to.File(formatter, file.Path,
                fileSizeLimitBytes: file.MaxSize,
                rollOnFileSizeLimit: file.MaxSize is not null,
                rollingInterval: ToSerilog(file.Rolling),
                retainedFileCountLimit: file.Retained), settings.QueueSize, blockWhenFull: false, new DroppedLogEvents("file"));
        }
        return configuration.CreateLogger();
    }

    /// <summary>The level Akka.NET publishes its own events at: below it, Akka does not even create them.</summary>
    public static AkkaLevel AkkaLevel(LogSettings settings) => settings.AkkaLevel switch
    {
        LogLevel.Trace or LogLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        LogLevel.Information => Akka.Event.LogLevel.InfoLevel,
        LogLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        // Akka has no level above error, nor off: Serilog's level for the Akka category drops the rest.
        _ => Akka.Event.LogLevel.ErrorLevel,
    };

    private static ITextFormatter Formatter(LogFormat format) => format switch
    {
        // Rendered: @m carries the message as text, for people reading the JSON; @mt keeps the template.
        LogFormat.Json => new RenderedCompactJsonFormatter(),
        _ => new UtcTextFormatter(),
    };

    private static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        LogLevel.Critical => LogEventLevel.Fatal,
        _ => LevelAlias.Off,
    };

    private static RollingInterval ToSerilog(LogRolling rolling) => rolling switch
    {
        LogRolling.Minute => RollingInterval.Minute,
        LogRolling.Hour => RollingInterval.Hour,
        LogRolling.Day => RollingInterval.Day,
        LogRolling.Month => RollingInterval.Month,
        LogRolling.Year => RollingInterval.Year,
        _ => RollingInterval.Infinite,
    };
}
