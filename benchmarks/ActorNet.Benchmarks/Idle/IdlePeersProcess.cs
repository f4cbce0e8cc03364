using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.Idle;

/// <summary>
/// Idle peers in a child process (<c>loadgen --idle</c> of this same program), so that the client sockets'
/// memory is not in the process being measured. The child is released by closing its stdin, which also happens
/// if this process dies; <c>--hold</c> bounds its life in any case.
/// </summary>
public sealed class IdlePeersProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IdlePeersProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Starts the child; <see cref="WaitUntilReadyAsync"/> then waits for all its connections.</summary>
    public static IdlePeersProcess Start(IPEndPoint target, int connections, TimeSpan hold)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ThisProgram.Set(start);
        foreach (string arg in new[]
                 {
                     "loadgen", "--idle", "--exit-on-stdin-eof",
                     "--host", target.Address.ToString(),
                     "--port", target.Port.ToString(CultureInfo.InvariantCulture),
                     "--connections", connections.ToString(CultureInfo.InvariantCulture),
                     "--hold", ((int)Math.Ceiling(hold.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var peers = new IdlePeersProcess(process);
        process.OutputDataReceived += (_, line) => peers.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => peers.OnError(line.Data);
        process.Exited += (_, _) => peers._ready.TrySetException(
            new IOException($"loadgen --idle exited with code {process.ExitCode} before all connections were open: {peers.Errors}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peers;
    }

    public int ProcessId => _process.Id;

    /// <summary>Completes with the number of open connections once the child reports them all open.</summary>
    public Task<int> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _ready.Task.WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(ExitTimeout);
            await _process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            // It did not leave when released (or is already gone): end it by its own id, nothing broader.
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Length == 0 ? "(no error output)" : _errors.ToString().Trim();
            }
        }
    }

    private void OnOutput(string? line)
    {
        if (line is not null && line.StartsWith(LoadGenCommand.ReadyPrefix, StringComparison.Ordinal)
            && int.TryParse(line.AsSpan(LoadGenCommand.ReadyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int open))
        {
            _ready.TrySetResult(open);
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errors)
        {
            // Bounded: a child that fails 10,000 connections must not fill this process's memory with the news.
            if (_errors.Length < 8 * 1024)
            {
                _errors.AppendLine(line);
            }
        }
    }
}
