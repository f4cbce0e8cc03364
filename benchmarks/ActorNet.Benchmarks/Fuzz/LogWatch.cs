using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>
/// Watches what ActorNet logs during a fuzz run for signs of a crash: any error or critical event, any event that
/// carries an exception, and connection restarts (an actor that failed on input, event 122). Counts them and keeps
/// the first few lines for the report; everything else is dropped, so a run of a million frames holds nothing.
/// </summary>
public sealed class LogWatch : ILoggerProvider
{
    private const int RestartEventId = 122;
    private const int KeptLines = 5;

    private readonly ConcurrentQueue<string> _first = new();
    private long _crashSignals;

    public long CrashSignals => Interlocked.Read(ref _crashSignals);

    public IEnumerable<string> FirstLines => _first;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Observe(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        if (level < LogLevel.Error && exception is null && eventId.Id != RestartEventId) return;
        if (Interlocked.Increment(ref _crashSignals) <= KeptLines)
        {
            _first.Enqueue($"{level} {category}[{eventId.Id}] {message}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
        }
    }

    private sealed class Logger(LogWatch watch, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) watch.Observe(category, logLevel, eventId, formatter(state, exception), exception);
        }
    }
}
