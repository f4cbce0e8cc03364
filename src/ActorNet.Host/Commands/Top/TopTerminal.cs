using System.Text;

namespace ActorNet.Host.Commands.Top;

/// <summary>
/// The terminal while <c>actornet top</c> draws on it: the alternate screen (so that the shell's screen comes back
/// as it was), no cursor, each frame drawn from the top-left corner over the previous one (line by line, each line
/// erased to its end, then everything below: no flicker from clearing the whole screen), and a key reader for
/// <c>q</c>. Dispose puts the terminal back; it runs on every way out (q, Ctrl-C, SIGTERM, an exception).
/// </summary>
public sealed class TopTerminal : IDisposable
{
    private const string Escape = "\u001b[";
    private const string EnterAlternateScreen = Escape + "?1049h";
    private const string LeaveAlternateScreen = Escape + "?1049l";
    private const string HideCursor = Escape + "?25l";
    private const string ShowCursor = Escape + "?25h";
    private const string Home = Escape + "H";
    private const string EraseToEndOfLine = Escape + "K";
    private const string EraseBelow = Escape + "J";

    private readonly TextWriter _screen;
    // Never disposed: the key reader thread may still be blocked in ReadKey, and cancel it, after top is done.
    private readonly CancellationTokenSource _quit = new();
    private bool _restored;

    private TopTerminal(TextWriter screen)
    {
        _screen = screen;
        _screen.Write(EnterAlternateScreen + HideCursor);
        _screen.Flush();
        StartKeyReader();
    }

    /// <summary>Cancelled when the user pressed <c>q</c>.</summary>
    public CancellationToken Quit => _quit.Token;

    /// <summary>Whether standard output is a terminal that can be drawn on (not piped, not <c>TERM=dumb</c>).</summary>
    public static bool Available =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    public static TopTerminal Open() => new(Console.Out);

    /// <summary>Columns and rows now (the window may have been resized since the last frame).</summary>
    public static (int Width, int Height) Size()
    {
        try
        {
            return (Math.Max(Console.WindowWidth, 20), Math.Max(Console.WindowHeight, 5));
        }
        catch (IOException)
        {
            // No size to be had (a terminal that does not answer): a classic terminal's.
            return (80, 24);
        }
    }

    /// <summary>Draws <paramref name="lines"/> over the previous frame, each cut to the width, as many as fit.</summary>
    public void Draw(IReadOnlyList<string> lines)
    {
        var (width, height) = Size();
        var frame = new StringBuilder(Home);
        // One row fewer than the screen: writing the bottom row's end would scroll the screen on some terminals.
        foreach (var line in lines.Take(height - 1))
        {
            frame.Append(line.Length > width ? line[..width] : line).Append(EraseToEndOfLine).Append("\r\n");
        }
        frame.Append(EraseBelow);
        _screen.Write(frame.ToString());
        _screen.Flush();
    }

    public void Dispose()
    {
        if (_restored) return;
        _restored = true;
        _screen.Write(ShowCursor + LeaveAlternateScreen);
        _screen.Flush();
    }

    /// <summary>
    /// Reads keys on a thread of its own: <see cref="Console.ReadKey(bool)"/> blocks, and is the one portable way
    /// to get a key without Enter. The thread is a background one, so it does not keep the process alive once top
    /// is done. Ctrl-C is left to the terminal, which sends SIGINT (see TerminationSignal).
    /// </summary>
    private void StartKeyReader()
    {
        if (Console.IsInputRedirected) return; // no keyboard: Ctrl-C still quits
        var reader = new Thread(() =>
        {
            try
            {
                while (!_quit.IsCancellationRequested)
                {
                    var key = Console.ReadKey(intercept: true);
                    if (key.KeyChar is 'q' or 'Q') _quit.Cancel();
                }
            }
            catch (InvalidOperationException)
            {
                // Standard input is not a console after all: Ctrl-C still quits.
            }
        })
        {
            IsBackground = true,
            Name = "actornet top keys",
        };
        reader.Start();
    }
}
