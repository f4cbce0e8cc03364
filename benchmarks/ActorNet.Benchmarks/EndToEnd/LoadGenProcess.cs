using System.Globalization;
using System.Net;
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
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoadGenChild _child = null!;

    /// <summary>The child's Stopwatch timestamp just before its first connect.</summary>
    public Task<long> Started => _started.Task;

    /// <summary>The CPU the child spent from its first connect until it had sent everything; null until it says.</summary>
    public TimeSpan? SendCpu { get; private set; }

    /// <summary>Completes when the child has exited; faulted (with its error output) if it failed.</summary>
    public Task Finished { get; private set; } = Task.CompletedTask;

    /// <param name="tls">The child speaks TLS (<c>--tls</c>) to the server.</param>
    public static LoadGenProcess Start(IPEndPoint target, WorkloadSpec spec, int connectParallelism, bool tls = false)
    {
        var workload = new LoadGenProcess();
        workload._child = LoadGenChild.Start(
            [
                "--host", target.Address.ToString(),
                "--port", LoadGenChild.Text(target.Port),
                "--connections", LoadGenChild.Text(spec.Connections),
                "--frames", LoadGenChild.Text(spec.Frames),
                "--size", LoadGenChild.Text(spec.Size),
                "--framing", spec.Framing.Name(),
                "--seed", LoadGenChild.Text(spec.Seed),
                "--min-write-size", LoadGenChild.Text(spec.MinWriteSize),
                "--connect-parallelism", LoadGenChild.Text(connectParallelism),
                .. tls ? ["--tls"] : Array.Empty<string>(),
            ],
            workload.OnOutput);
        workload.Finished = workload.WaitForExitAsync();
        return workload;
    }

    /// <summary>The phase ended before the child did (a failure or Ctrl+C): it is killed by its own id.</summary>
    public async ValueTask DisposeAsync()
    {
        await _child.StopAsync().ConfigureAwait(false);
        _child.Dispose();
    }

    private async Task WaitForExitAsync()
    {
        await _child.Process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        string failure = $"loadgen exited with code {_child.Process.ExitCode}: {_child.Errors}";
        _started.TrySetException(new BenchmarkFailedException(failure + " (before its first connect)"));
        if (_child.Process.ExitCode != 0)
        {
            throw new BenchmarkFailedException(failure);
        }
    }

    private void OnOutput(string line)
    {
        if (line.StartsWith(LoadGenCommand.StartPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.StartPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long clock))
        {
            _started.TrySetResult(clock);
        }
        else if (line.StartsWith(LoadGenCommand.CpuPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.CpuPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long micros))
        {
            SendCpu = TimeSpan.FromMicroseconds(micros);
        }
    }
}
