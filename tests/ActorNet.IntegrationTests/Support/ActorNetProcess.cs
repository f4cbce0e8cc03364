using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// The real <c>actornet</c> executable in a child process (<c>dotnet actornet.dll ...</c>): the build copies it next
/// to the test assembly because this project references the host project (or, with <see cref="StartExecutable"/>, the
/// self-contained one of a release archive). Output is collected line by line; dispose kills the process if a test
/// left it running.
/// </summary>
public sealed class ActorNetProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ActorNetProcess(Process process)
    {
        _process = process;
    }

    public string Stdout => string.Join(Environment.NewLine, _stdout);
    public string Stderr => string.Join(Environment.NewLine, _stderr);
    public string Output => $"--- stdout ---{Environment.NewLine}{Stdout}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Stderr}";

    /// <summary>The process id (prlimit execs the program, so under <see cref="StartWithFileLimit"/> too).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ActorNetProcess Start(string workingDirectory, params string[] arguments) =>
        Start(workingDirectory, [], arguments);

    /// <summary>Runs actornet with <paramref name="environment"/> applied to the inherited one (a null value removes a variable).</summary>
    public static ActorNetProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Start(workingDirectory, [], arguments, environment);

    /// <summary>
    /// Runs <paramref name="executable"/> itself, not through <c>dotnet</c> (the self-contained actornet of a release
    /// archive), with <paramref name="environment"/> applied to the inherited one (a null value removes a variable).
    /// </summary>
    public static ActorNetProcess StartExecutable(string executable, string workingDirectory, IReadOnlyDictionary<string, string?> environment,
        params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return Launch(info, environment);
    }

    /// <summary>
    /// Runs actornet under <c>prlimit --nofile=LIMIT:LIMIT</c> (util-linux), soft and hard limit alike, so that it
    /// cannot raise its own. <see cref="PrlimitFactAttribute"/> skips a test where prlimit is missing.
    /// </summary>
    public static ActorNetProcess StartWithFileLimit(int limit, string workingDirectory, params string[] arguments) =>
        Start(workingDirectory, [PrlimitFactAttribute.Path, $"--nofile={limit}:{limit}"], arguments);

    private static ActorNetProcess Start(string workingDirectory, string[] launcher, string[] arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "actornet.dll");
        if (!File.Exists(dll)) throw new XunitException($"{dll} is missing: the build should copy the host next to the tests");

        // The SDK tells test runs which dotnet it is; fall back to the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : dotnet) { WorkingDirectory = workingDirectory };
        foreach (var part in launcher.Skip(1)) info.ArgumentList.Add(part);
        if (launcher.Length > 0) info.ArgumentList.Add(dotnet);
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return Launch(info, environment);
    }

    private static ActorNetProcess Launch(ProcessStartInfo info, IReadOnlyDictionary<string, string?>? environment)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new ActorNetProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) result._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) result._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until a line of standard output contains <paramref name="text"/>; fails early if the process exits.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan within) =>
        WaitForOutputAsync(line => line.Contains(text, StringComparison.Ordinal), $"a line containing \"{text}\"", within);

    /// <summary>Waits until a line of standard output satisfies <paramref name="match"/>; fails early if the process exits.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> match, string awaited, TimeSpan within)
    {
        await Eventually.TrueAsync(() => _stdout.Any(match) || _process.HasExited, within, () => $"{awaited}{Environment.NewLine}{Output}");
        if (_stdout.Any(match)) return;
        // Exited: let the last lines arrive before deciding.
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (!_stdout.Any(match))
            throw new XunitException($"actornet exited with {_process.ExitCode} before writing {awaited}{Environment.NewLine}{Output}");
    }

    /// <summary>Sends SIGTERM, as systemd or <c>docker stop</c> would (<see cref="Process.Kill()"/> is SIGKILL).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString()]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0) throw new XunitException($"kill -TERM {_process.Id} exited with {kill.ExitCode}");
    }

    /// <summary>
    /// SIGKILL (<see cref="Process.Kill()"/> on Linux), as the OOM killer or <c>kill -9</c> would: no drain, no flush.
    /// Returns once the process is gone, so its port and files are free.
    /// </summary>
    public async Task KillAsync(TimeSpan within)
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(within);
    }

    /// <summary>The exit code; fails (after killing the process) if it is still running after <paramref name="within"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            throw new XunitException($"actornet did not exit within {within.TotalSeconds:0.###} s and was killed{Environment.NewLine}{Output}");
        }
        // WaitForExitAsync also waits for the redirected streams to reach their end, so the output is complete.
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        _process.Dispose();
    }
}
