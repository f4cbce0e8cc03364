using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorNet.Logging;

/// <summary>
/// Loggers that publish to an actor system's own logging (its event stream, with <c>akka.loglevel</c>): where ActorNet
/// logs when it is started without a logger factory, such as under Akka's TestKit. The category becomes the log
/// source; the message arrives rendered.
/// </summary>
internal sealed class AkkaLoggerFactory(ActorSystem system) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new AkkaLogger(Akka.Event.Logging.GetLogger(system, categoryName));

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("Akka's configured loggers decide where these events go");

    public void Dispose()
    {
    }

    private sealed class AkkaLogger(ILoggingAdapter adapter) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => ToAkka(logLevel) is { } level && adapter.IsEnabled(level);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (ToAkka(logLevel) is not { } level || !adapter.IsEnabled(level)) return;
            // The string overload publishes the text as it is; the others would read its braces as a format.
            adapter.Log(level, exception, formatter(state, exception));
        }

        // Akka has no trace or critical level: trace goes to debug, critical to error.
        private static AkkaLevel? ToAkka(LogLevel level) => level switch
        {
            LogLevel.Trace or LogLevel.Debug => AkkaLevel.DebugLevel,
            LogLevel.Information => AkkaLevel.InfoLevel,
            LogLevel.Warning => AkkaLevel.WarningLevel,
            LogLevel.Error or LogLevel.Critical => AkkaLevel.ErrorLevel,
            _ => null,
        };
    }
}
