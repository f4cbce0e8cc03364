using System.Globalization;
using System.Net;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.Idle;

/// <summary>
/// Idle peers in a child process (<c>loadgen --idle</c>), so that the client sockets' memory is not in the process
/// being measured. The child is released by closing its stdin, which also happens if this process dies;
/// <c>--hold</c> bounds its life in any case.
/// </summary>
public sealed class IdlePeersProcess : IAsyncDisposable
{
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoadGenChild _child = null!;

    /// <summary>Starts the child; <see cref="WaitUntilReadyAsync"/> then waits for all its connections.</summary>
    /// <param name="tls">Each peer completes a TLS handshake, then sends nothing.</param>
    public static IdlePeersProcess Start(IPEndPoint target, int connections, TimeSpan hold, bool tls = false)
    {
        var peers = new IdlePeersProcess();
        string[] arguments =
        [
            "--idle",
            "--host", target.Address.ToString(),
            "--port", LoadGenChild.Text(target.Port),
            "--connections", LoadGenChild.Text(connections),
            "--hold", LoadGenChild.Text((long)Math.Ceiling(hold.TotalSeconds)),
        ];
        peers._child = LoadGenChild.Start(
            tls ? [.. arguments, "--tls"] : arguments,
            peers.OnOutput,
            child => peers._ready.TrySetException(
                new IOException($"loadgen --idle exited with code {child.Process.ExitCode} before all connections were open: {child.Errors}")),
            releasedByStdin: true);
        return peers;
    }

    public int ProcessId => _child.Process.Id;

    /// <summary>Completes with the number of open connections once the child reports them all open.</summary>
    public Task<int> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _ready.Task.WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _child.StopAsync().ConfigureAwait(false);
        _child.Dispose();
    }

    private void OnOutput(string line)
    {
        if (line.StartsWith(LoadGenCommand.ReadyPrefix, StringComparison.Ordinal)
            && int.TryParse(line.AsSpan(LoadGenCommand.ReadyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int open))
        {
            _ready.TrySetResult(open);
        }
    }
}
