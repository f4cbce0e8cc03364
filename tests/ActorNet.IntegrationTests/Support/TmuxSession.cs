using System.Diagnostics;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// A command running on a pseudo-terminal of its own: a detached tmux session on a private tmux server (its own
/// socket, so that tests and a developer's tmux never meet). <see cref="Capture"/> reads the screen as a person would
/// see it; <see cref="SendKeys"/> types. The command runs in <c>sh</c>, followed by <c>echo EXITED &lt;code&gt;</c> and a
/// long sleep, so that the screen after the command ended (the shell's screen, once a full-screen program has left
/// it) can still be read. Dispose kills the server and everything in it.
/// </summary>
public sealed class TmuxSession : IDisposable
{
    public const string ExitMarker = "EXITED ";

    private readonly string _socket = "actornet-test-" + Guid.NewGuid().ToString("N")[..12];
    private string? _socketPath;

    private TmuxSession()
    {
    }

    /// <summary>tmux's path, or null when it is not on PATH.</summary>
    public static string? Executable { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "tmux"))
        .FirstOrDefault(File.Exists);

    /// <param name="shellCommand">One line of <c>sh</c>; see <see cref="ActorNetCommand"/>.</param>
    public static TmuxSession Start(string workingDirectory, string shellCommand, int width = 160, int height = 50)
    {
        var session = new TmuxSession();
        var script = Path.Combine(workingDirectory, $"tmux-{session._socket}.sh");
        File.WriteAllText(script, $"{shellCommand}\necho {ExitMarker}$?\nsleep 600\n");
        session.Run("new-session", "-d", "-x", width.ToString(), "-y", height.ToString(), "-c", workingDirectory, $"sh {Quote(script)}");
        session._socketPath = session.Run("display-message", "-p", "#{socket_path}").Trim();
        return session;
    }

    /// <summary>
    /// The shell words that run the actornet built next to the tests with <paramref name="arguments"/> (quoted), as
    /// <see cref="ActorNetProcess"/> runs it.
    /// </summary>
    public static string ActorNetCommand(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "actornet.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return string.Join(' ', new[] { dotnet, dll }.Concat(arguments).Select(Quote));
    }

    /// <summary>The visible screen, one line per row (trailing blanks trimmed by tmux).</summary>
    public string Capture() => Run("capture-pane", "-p");

    /// <summary>Keys as tmux names them: <c>q</c>, <c>C-c</c>, <c>Enter</c>.</summary>
    public void SendKeys(params string[] keys) => Run(["send-keys", .. keys]);

    /// <summary>Waits for the command to end; returns its exit code and the screen it left (read in the same capture).</summary>
    public async Task<(int ExitCode, string Screen)> WaitForExitAsync(TimeSpan within)
    {
        var screen = await WaitForScreenAsync(s => ExitCode(s) is not null, "the command to exit", within);
        return (ExitCode(screen)!.Value, screen);
    }

    private static int? ExitCode(string screen)
    {
        var line = screen.Split('\n').FirstOrDefault(l => l.StartsWith(ExitMarker, StringComparison.Ordinal));
        return line is not null && int.TryParse(line.AsSpan(ExitMarker.Length).Trim(), out var code) ? code : null;
    }

    public async Task<string> WaitForScreenAsync(Func<string, bool> match, string awaited, TimeSpan within)
    {
        var screen = "";
        await Eventually.TrueAsync(() => match(screen = Capture()), within, () => $"{awaited} on the terminal; the screen:\n{screen}");
        return screen;
    }

    public void Dispose()
    {
        try
        {
            Run("kill-server");
        }
        catch (XunitException)
        {
            // The server is gone already.
        }
        // A killed server leaves its socket file behind.
        if (_socketPath is { Length: > 0 }) File.Delete(_socketPath);
    }

    private string Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable ?? "tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-L");
        info.ArgumentList.Add(_socket);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // tmux refuses to start without a terminal type, which a test runner's environment may lack.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TERM"))) info.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new XunitException($"tmux {string.Join(' ', arguments)} did not finish within 10 s");
        }
        if (process.ExitCode != 0)
            throw new XunitException($"tmux {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
        return output.Result;
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
