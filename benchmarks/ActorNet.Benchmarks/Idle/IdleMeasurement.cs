using System.Diagnostics;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.EndToEnd;

namespace ActorNet.Benchmarks.Idle;

/// <summary>
/// One server's cost per idle peer: full GC and measure, let the child process open the peers, wait until the
/// server reports them all, let them settle into their idle read, full GC and measure again.
/// </summary>
public static class IdleMeasurement
{
    public static async Task<IdleResult> RunAsync(
        ServerKind kind, int peers, TimeSpan timeout, TimeSpan settle, CancellationToken cancellationToken)
    {
        ProcessMemory.FullCollect();
        await using ICountingServer server = await ServerKinds
            .StartAsync(kind, WireFraming.Lines, ServerKinds.MaxFrameLengthFor(0), ActorNetTuning.Default, cancellationToken)
            .ConfigureAwait(false);

        ProcessMemory.FullCollect();
        long managedBefore = ProcessMemory.ManagedHeapBytes();
        long workingSetBefore = ProcessMemory.WorkingSetBytes();

        // The child holds its peers a little longer than this phase can take, then lets go by itself.
        await using IdlePeersProcess clients = IdlePeersProcess.Start(server.EndPoint, peers, timeout + settle + TimeSpan.FromSeconds(60),
            tls: kind == ServerKind.ActorNetTls);
        var clock = Stopwatch.StartNew();
        int open = await clients.WaitUntilReadyAsync(timeout, cancellationToken).ConfigureAwait(false);
        while (server.ConnectionsActive < open)
        {
            if (clock.Elapsed > timeout)
            {
                throw new BenchmarkFailedException(
                    $"{server.Name}: the clients opened {open} connections but the server reports {server.ConnectionsActive} after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        // Accepting is not the end of setting a connection up: its first read is posted a moment later.
        await Task.Delay(settle, cancellationToken).ConfigureAwait(false);
        ProcessMemory.FullCollect();
        long managedAfter = ProcessMemory.ManagedHeapBytes();
        long workingSetAfter = ProcessMemory.WorkingSetBytes();

        long stillOpen = server.ConnectionsActive;
        if (stillOpen != open)
        {
            throw new BenchmarkFailedException(
                $"{server.Name}: {open} peers connected but {stillOpen} connections were active when memory was measured (an idle timeout?)");
        }

        return new IdleResult(server.Name, open, managedBefore, managedAfter, workingSetBefore, workingSetAfter);
    }
}
