using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// Keeps what ActorNet logs in a test's host (through Akka's logger-factory bridge), so that a failing test can
/// show why the server did what it did: which connection closed, and for what reason.
/// </summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The lines that contain <paramref name="text"/>, or all of them, one per line.</summary>
    public string Dump(string? text = null) =>
        string.Join(Environment.NewLine, text is null ? _lines : _lines.Where(l => l.Contains(text, StringComparison.Ordinal)));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector collector) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            collector._lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }
}
