using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// Stamping peers in a child process (<c>loadgen --paced</c> of this same program), so that the measured process
/// is ActorNet alone, as the figures require. The child ends after its --duration, when its stdin closes
/// (also when this process dies), or is killed by id after a grace period.
/// </summary>
public sealed class PacedPeersProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _sentLine;

    private PacedPeersProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The child's Stopwatch timestamp just before its first connect: the start of the measurement.</summary>
    public Task<long> Started => _started.Task;

    /// <summary>The child's Stopwatch timestamp when its last connect attempt ended.</summary>
    public Task<long> Connected => _connected.Task;

    /// <summary>This process's Stopwatch timestamp when the child's start line arrived (for the clock check).</summary>
    public long StartSeenAt { get; private set; }

    public static PacedPeersProcess Start(IPEndPoint target, int connections, int size, long intervalNanoseconds, TimeSpan duration)
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
                     "loadgen", "--paced", "--exit-on-stdin-eof",
                     "--host", target.Address.ToString(),
                     "--port", target.Port.ToString(CultureInfo.InvariantCulture),
                     "--connections", connections.ToString(CultureInfo.InvariantCulture),
                     "--size", size.ToString(CultureInfo.InvariantCulture),
                     "--interval-ns", intervalNanoseconds.ToString(CultureInfo.InvariantCulture),
                     "--duration", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var peers = new PacedPeersProcess(process);
        process.OutputDataReceived += (_, line) => peers.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => peers.OnError(line.Data);
        process.Exited += (_, _) => peers._started.TrySetException(
            new IOException($"loadgen --paced exited with code {process.ExitCode} before it started: {peers.Errors}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peers;
    }

    /// <summary>Waits for the child to finish its run and returns what it says it sent.</summary>
    public async Task<PacedSendResult> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailedException($"loadgen --paced did not finish within {timeout.TotalSeconds:0} s");
        }

        if (_process.ExitCode != 0 || _sentLine is null)
        {
            throw new BenchmarkFailedException($"loadgen --paced exited with code {_process.ExitCode}: {Errors}");
        }

        return PacedSendResult.Parse(_sentLine[LoadGenCommand.SentPrefix.Length..]);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
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
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(LoadGenCommand.StartPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.StartPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long clock))
        {
            StartSeenAt = Stopwatch.GetTimestamp();
            _started.TrySetResult(clock);
        }
        else if (line.StartsWith(LoadGenCommand.ConnectedPrefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(LoadGenCommand.ConnectedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long connected))
        {
            _connected.TrySetResult(connected);
        }
        else if (line.StartsWith(LoadGenCommand.SentPrefix, StringComparison.Ordinal))
        {
            _sentLine = line;
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
}

/// <summary>What a paced load generator reports at its end (its <c>sent</c> line).</summary>
public sealed record PacedSendResult(long Frames, long Writes, long Failed, TimeSpan MaxLag, TimeSpan Elapsed)
{
    /// <summary>Parses <c>frames=F writes=W failed=X lag-us=L seconds=S</c>.</summary>
    public static PacedSendResult Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(field => field.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);
        long Read(string key) => long.Parse(fields[key], NumberStyles.None, CultureInfo.InvariantCulture);
        return new PacedSendResult(
            Read("frames"), Read("writes"), Read("failed"),
            TimeSpan.FromMicroseconds(Read("lag-us")),
            TimeSpan.FromSeconds(double.Parse(fields["seconds"], NumberStyles.Float, CultureInfo.InvariantCulture)));
    }
}
