using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorNet.Host.Commands.Tools;

/// <summary>
/// One line of progress (<c>sending: 12,345 frames, 2,000/s</c>) kept up to date on standard error while a tool works,
/// and erased when it is done. It draws only when it was given the process's standard error and that is a terminal:
/// piped or redirected, and in tests that pass their own writers, a tool prints exactly what it printed before.
///
/// Counting is one interlocked add, so a loop may count every item; a timer redraws at most
/// <see cref="UpdatesPerSecond"/> times a second, showing the rate over the last second. Whatever else the tool prints
/// to the same terminal must go through <see cref="Above"/>: otherwise a record printed on standard output would start
/// in the middle of the progress text.
/// </summary>
public sealed class TerminalProgress : IDisposable
{
    public const int UpdatesPerSecond = 4;

    // Carriage return, then erase to the end of the line: leaves the cursor at the start of an empty line.
    private const string EraseLine = "\r\u001b[K";

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1.0 / UpdatesPerSecond);

    private readonly TextWriter? _terminal;
    private readonly string _label;
    private readonly string _unit;
    private readonly Lock _gate = new();
    private readonly Timer? _timer;

    // The counts at the last UpdatesPerSecond ticks (a ring), for the rate over the last second.
    private readonly (long Timestamp, long Count)[] _window = new (long, long)[UpdatesPerSecond];
    private int _windowNext;
    private int _windowFilled;
    private long _count;
    private string _line = "";
    private bool _shown;
    private bool _disposed;

    /// <param name="terminal">Where to draw; null draws nothing (every method is then a cheap no-op).</param>
    /// <param name="label">What is going on, first on the line: <c>sending</c>, <c>tap</c>.</param>
    /// <param name="unit">What is counted, plural: <c>frames</c>, <c>records</c>.</param>
    public TerminalProgress(TextWriter? terminal, string label, string unit)
    {
        _terminal = terminal;
        _label = label;
        _unit = unit;
        if (terminal is null) return;
        Remember(Stopwatch.GetTimestamp(), 0);
        _timer = new Timer(_ => Draw(), null, Tick, Tick);
    }

    /// <summary>
    /// Progress on <paramref name="log"/> when it is the process's standard error and that is a terminal (not
    /// redirected, and not a <c>TERM=dumb</c> terminal that cannot erase a line); otherwise a progress that draws
    /// nothing.
    /// </summary>
    public static TerminalProgress OnStandardError(TextWriter log, string label, string unit) =>
        new(IsTerminal(log) ? log : null, label, unit);

    /// <summary>Whether <see cref="OnStandardError"/> would draw on <paramref name="log"/>.</summary>
    public static bool IsTerminal(TextWriter log) =>
        ReferenceEquals(log, Console.Error) && !Console.IsErrorRedirected
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    public bool Shows => _terminal is not null;

    public long Count => Interlocked.Read(ref _count);

    public void Add(long items = 1)
    {
        if (_terminal is not null) Interlocked.Add(ref _count, items);
    }

    /// <summary>
    /// <paramref name="writer"/> as it is when nothing is drawn or when it does not reach the terminal (standard output
    /// piped); otherwise a writer that erases the progress line before each write and draws it again below, so that
    /// what the tool prints starts at the beginning of a clean line and the progress stays in view under it.
    /// </summary>
    public TextWriter Above(TextWriter writer) => _terminal is null || !ReachesTerminal(writer) ? writer : new Guarded(this, writer);

    // Standard output piped to a file or another program never meets the progress line: it needs no guard.
    private static bool ReachesTerminal(TextWriter writer) =>
        ReferenceEquals(writer, Console.Error) || (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected);

    /// <summary>Stops drawing and erases the line, so that a summary printed next starts on a clean line.</summary>
    public void Dispose()
    {
        if (_terminal is null) return;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer!.Dispose();
            Erase();
        }
    }

    /// <summary>The line shown for <paramref name="count"/> items at <paramref name="perSecond"/>.</summary>
    public static string Format(string label, string unit, long count, double? perSecond) =>
        perSecond is { } rate
            ? string.Create(CultureInfo.InvariantCulture, $"{label}: {count:N0} {unit}, {rate:N0}/s")
            : string.Create(CultureInfo.InvariantCulture, $"{label}: {count:N0} {unit}");

    private void Draw()
    {
        lock (_gate)
        {
            if (_disposed) return;
            var now = Stopwatch.GetTimestamp();
            var count = Count;
            var (oldestAt, oldestCount) = _window[_windowFilled < _window.Length ? 0 : _windowNext];
            var seconds = Stopwatch.GetElapsedTime(oldestAt, now).TotalSeconds;
            double? rate = seconds > 0 ? (count - oldestCount) / seconds : null;
            Remember(now, count);
            _line = Format(_label, _unit, count, rate);
            Redraw();
        }
    }

    // Called under _gate.
    private void Redraw()
    {
        try
        {
            _terminal!.Write(EraseLine + _line);
            _terminal.Flush();
            _shown = true;
        }
        catch (IOException)
        {
            // The terminal went away (a closed SSH session): progress is a courtesy, the work goes on.
        }
    }

    private void Remember(long timestamp, long count)
    {
        _window[_windowNext] = (timestamp, count);
        _windowNext = (_windowNext + 1) % _window.Length;
        _windowFilled = Math.Min(_windowFilled + 1, _window.Length);
    }

    // Called under _gate.
    private void Erase()
    {
        if (!_shown) return;
        _shown = false;
        try
        {
            _terminal!.Write(EraseLine);
            _terminal.Flush();
        }
        catch (IOException)
        {
            // As in Draw.
        }
    }

    /// <summary>
    /// Erases the progress line before every write, and draws it again after a write that ended a line, so that the
    /// line stays in view below a stream of output. Only the members a tool's output goes through need the guard;
    /// TextWriter routes the other overloads to these.
    /// </summary>
    private sealed class Guarded(TerminalProgress progress, TextWriter inner) : TextWriter(inner.FormatProvider)
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Around(value == '\n', () => inner.Write(value));

        public override void Write(char[] buffer, int index, int count) =>
            Around(count > 0 && buffer[index + count - 1] == '\n', () => inner.Write(buffer, index, count));

        public override void Write(ReadOnlySpan<char> buffer)
        {
            var text = buffer.ToString();
            Around(text.EndsWith('\n'), () => inner.Write(text));
        }

        public override void Write(string? value) => Around(value?.EndsWith('\n') == true, () => inner.Write(value));

        public override void WriteLine(string? value) => Around(endsLine: true, () => inner.WriteLine(value));

        public override void WriteLine(ReadOnlySpan<char> buffer)
        {
            var text = buffer.ToString();
            Around(endsLine: true, () => inner.WriteLine(text));
        }

        // The base class would run these on another thread; a console write is quick, and the lock cannot be held
        // across an await.
        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            WriteLine(buffer.Span);
            return Task.CompletedTask;
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync() => inner.FlushAsync();

        private void Around(bool endsLine, Action write)
        {
            lock (progress._gate)
            {
                var shown = progress._shown;
                progress.Erase();
                write();
                if (shown && endsLine)
                {
                    inner.Flush();
                    progress.Redraw();
                }
            }
        }
    }
}
