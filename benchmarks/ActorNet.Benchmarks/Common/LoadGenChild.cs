using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// A <c>loadgen</c> child process of this same program, so that the measured process holds neither the client
/// sockets nor the client's work: started with its arguments, each line it prints handed to the caller, its error
/// output kept (bounded) for failure messages, and stopped by its own id, nothing broader. The idle, latency and
/// e2e commands each speak their own protocol over its output on top of this.
/// </summary>
public sealed class LoadGenChild : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _errors = new();

    private LoadGenChild(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>What the child wrote to stderr (at most 8 KiB), or a note that it wrote nothing.</summary>
    public string Errors
    {
        get
        {
            lock (_errors) return _errors.Length == 0 ? "(no error output)" : _errors.ToString().Trim();
        }
    }

    /// <param name="arguments">Arguments after <c>loadgen</c>.</param>
    /// <param name="onLine">Called with each line the child prints, on a thread of the process class.</param>
    /// <param name="onExit">Called once the child has exited; registered before it starts, so it cannot be missed.</param>
    /// <param name="releasedByStdin">The child ends when its stdin closes (<c>--exit-on-stdin-eof</c>), also if this process dies.</param>
    public static LoadGenChild Start(IEnumerable<string> arguments, Action<string> onLine, Action<LoadGenChild>? onExit = null, bool releasedByStdin = false)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = releasedByStdin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ThisProgram.Set(start);
        start.ArgumentList.Add("loadgen");
        if (releasedByStdin) start.ArgumentList.Add("--exit-on-stdin-eof");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        var child = new LoadGenChild(new Process { StartInfo = start, EnableRaisingEvents = true });
        child.Process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null) onLine(line.Data);
        };
        child.Process.ErrorDataReceived += (_, line) => child.KeepError(line.Data);
        if (onExit is not null) child.Process.Exited += (_, _) => onExit(child);
        child.Process.Start();
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Ends the child: closes its stdin and waits for it to leave when it was started to be released that way,
    /// otherwise (or when it does not leave in time) kills it by its own id.
    /// </summary>
    public async ValueTask StopAsync()
    {
        try
        {
            if (Process.StartInfo.RedirectStandardInput) Process.StandardInput.Close();
            else if (!Process.HasExited) Process.Kill();
            using var exit = new CancellationTokenSource(ExitTimeout);
            await Process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // It did not leave when released (or is already gone): end it by its own id, nothing broader.
            if (!Process.HasExited) Process.Kill();
        }
    }

    public void Dispose() => Process.Dispose();

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private void KeepError(string? line)
    {
        if (line is null) return;
        lock (_errors)
        {
            // Bounded: a child that fails 10,000 connections must not fill this process's memory with the news.
            if (_errors.Length < 8 * 1024) _errors.AppendLine(line);
        }
    }
}
