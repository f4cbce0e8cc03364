using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// The e2e workload sent by a child process (<c>loadgen</c> of this same program, same spec and seed, so the same
/// streams and write sizes), so that the measured process holds neither the streams nor the client sockets and
/// does not run the client's code on its cores' time. The child prints its monotonic clock just before its first
/// connect (the start of the measurement; one clock for both processes, see the latency command) and ends when it
/// has sent everything. It is killed by its id if the phase ends first.
/// </summary>
public sealed class LoadGenProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoadGenProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The child's Stopwatch timestamp just before its first connect.</summary>
    public Task<long> Started => _started.Task;

    /// <summary>Completes when the child has exited; faulted (with its error output) if it failed.</summary>
    public Task Finished { get; private set; } = Task.CompletedTask;

    public static LoadGenProcess Start(IPEndPoint target, WorkloadSpec spec, int connectParallelism)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ThisProgram.Set(start);
        foreach (string arg in new[]
                 {
                     "loadgen",
                     "--host", target.Address.ToString(),
                     "--port", Text(target.Port),
                     "--connections", Text(spec.Connections),
                     "--frames", Text(spec.Frames),
                     "--size", Text(spec.Size),
                     "--framing", spec.Framing.Name(),
                     "--seed", Text(spec.Seed),
                     "--connect-parallelism", Text(connectParallelism),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new LoadGenProcess(process);
        process.OutputDataReceived += (_, line) => child.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => child.OnError(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Finished = child.WaitForExitAsync();
        return child;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // The phase ended before the child did (a failure or Ctrl+C): end it by its own id, nothing broader.
                _process.Kill();
            }

            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or not gone after a kill: nothing more this process can do about it.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitForExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        string failure = $"loadgen exited with code {_process.ExitCode}: {Errors}";
        _started.TrySetException(new BenchmarkFailedException(failure + " (before its first connect)"));
        if (_process.ExitCode != 0)
        {
            throw new BenchmarkFailedException(failure);
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
        if (line is not null
            && line.StartsWith(LoadGenCommand.StartPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.StartPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long clock))
        {
            _started.TrySetResult(clock);
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
            if (_errors.Length < 8 * 1024)
            {
                _errors.AppendLine(line);
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
