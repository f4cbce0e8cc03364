using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Sends a pre-built <see cref="Workload"/> to one endpoint: every connection is an async task (no thread per
/// connection) that connects, writes its stream in its planned writes, and shuts down its sending side. One
/// instance runs once; build another over the same workload to send it again.
/// </summary>
public sealed class LoadGenerator
{
    public const int DefaultConnectParallelism = 256;

    private readonly Workload _workload;
    private readonly IPEndPoint _target;
    private readonly int _connectParallelism;
    private readonly Stopwatch _clock = new();
    private long _opened;
    private long _finished;
    private long _failed;
    private long _framesSent;
    private long _bytesSent;
    private long _writes;
    private int _started;

    public LoadGenerator(Workload workload, IPEndPoint target, int connectParallelism = DefaultConnectParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connectParallelism, 1);
        _workload = workload;
        _target = target;
        _connectParallelism = connectParallelism;
    }

    public LoadGenStats Stats => new(
        _workload.Spec.Connections,
        Interlocked.Read(ref _opened),
        Interlocked.Read(ref _finished),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _framesSent),
        Interlocked.Read(ref _bytesSent),
        Interlocked.Read(ref _writes),
        _clock.Elapsed);

    /// <summary>Completes when every connection has sent all its frames; throws the first connection failure.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("a LoadGenerator runs once; create another over the same Workload");
        }

        using var gate = new SemaphoreSlim(_connectParallelism);
        _clock.Start();
        try
        {
            var connections = new Task[_workload.Spec.Connections];
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i] = SendAsync(i, gate, cancellationToken);
            }

            await Task.WhenAll(connections).ConfigureAwait(false);
        }
        finally
        {
            _clock.Stop();
        }
    }

    private async Task SendAsync(int connection, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            using Socket socket = await PeerSocket.ConnectAsync(_target, gate, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _opened);
            byte[] stream = _workload.Streams[connection];
            int start = 0;
            foreach (int end in _workload.WriteEnds[connection])
            {
                ReadOnlyMemory<byte> chunk = stream.AsMemory(start, end - start);
                while (!chunk.IsEmpty)
                {
                    int sent = await socket.SendAsync(chunk, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    chunk = chunk[sent..];
                    Interlocked.Add(ref _bytesSent, sent);
                }

                Interlocked.Increment(ref _writes);
                start = end;
            }

            // A graceful FIN after the data: closing with data still queued is fine on TCP, the kernel sends it first.
            socket.Shutdown(SocketShutdown.Send);
            Interlocked.Add(ref _framesSent, _workload.Spec.Frames);
            Interlocked.Increment(ref _finished);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            Interlocked.Increment(ref _failed);
            throw new IOException($"connection {connection} to {_target} failed: {e.Message}", e);
        }
    }
}
