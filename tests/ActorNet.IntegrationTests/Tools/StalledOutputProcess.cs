using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// The actornet executable with its standard output on a pipe that nobody reads until <see cref="ReadOutput"/>: once
/// the pipe is full, the program blocks on its next write, as it would behind a stalled <c>| less</c>. Standard error
/// is collected as it comes. Dispose kills the process.
/// </summary>
public sealed class StalledOutputProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();
    private Task? _draining;

    private StalledOutputProcess(Process process)
    {
        _process = process;
    }

    public string Stderr => string.Join(Environment.NewLine, _stderr);

    public static StalledOutputProcess Start(string workingDirectory, params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actornet.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var result = new StalledOutputProcess(process);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) result._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>From now on standard output is read (and thrown away), so the program can go on.</summary>
    public void ReadOutput() => _draining ??= _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);

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
