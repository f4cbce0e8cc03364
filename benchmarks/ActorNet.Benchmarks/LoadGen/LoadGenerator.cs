using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

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
    private readonly bool _tls;
    private readonly Stopwatch _clock = new();
    private long _opened;
    private long _finished;
    private long _failed;
    private long _framesSent;
    private long _bytesSent;
    private long _writes;
    private int _started;

    /// <param name="tls">Each connection speaks TLS (its handshake is timed too, as a device's would be).</param>
    public LoadGenerator(Workload workload, IPEndPoint target, int connectParallelism = DefaultConnectParallelism, bool tls = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connectParallelism, 1);
        _tls = tls;
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
            await using SslStream? tls = _tls ? await HandshakeAsync(socket, cancellationToken).ConfigureAwait(false) : null;
            Interlocked.Increment(ref _opened);
            byte[] stream = _workload.Streams[connection];
            int start = 0;
            foreach (int end in _workload.WriteEnds[connection])
            {
                ReadOnlyMemory<byte> chunk = stream.AsMemory(start, end - start);
                if (tls is not null)
                {
                    // One TLS record per planned write, as a device writing through TLS would send it.
                    await tls.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref _bytesSent, chunk.Length);
                }

                while (tls is null && !chunk.IsEmpty)
                {
                    int sent = await socket.SendAsync(chunk, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    chunk = chunk[sent..];
                    Interlocked.Add(ref _bytesSent, sent);
                }

                Interlocked.Increment(ref _writes);
                start = end;
            }

            // A graceful FIN after the data (after TLS's close_notify): closing with data still queued is fine on TCP,
            // the kernel sends it first.
            if (tls is not null) await tls.ShutdownAsync().ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            if (tls is not null)
            {
                // TLS 1.3 servers send session tickets after the handshake, which this side never reads: closing a
                // socket with unread bytes sends a reset, and a reset makes the server drop what it has not read yet.
                // Wait for the server to close first, as a device reading its session would.
                await DrainUntilClosedAsync(tls, cancellationToken).ConfigureAwait(false);
            }
            Interlocked.Add(ref _framesSent, _workload.Spec.Frames);
            Interlocked.Increment(ref _finished);
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            Interlocked.Increment(ref _failed);
            throw new IOException($"connection {connection} to {_target} failed: {e.Message}", e);
        }
    }

    private static async Task DrainUntilClosedAsync(SslStream tls, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[1024];
        try
        {
            while (await tls.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (IOException)
        {
            // The server closed without close_notify: closed all the same.
        }
    }

    /// <summary>A TLS client on <paramref name="socket"/> that accepts any server certificate (the benchmark's own).</summary>
    internal static async Task<SslStream> HandshakeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                // The benchmark's own self-signed certificate: the load generator measures, it does not authenticate.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, cancellationToken).ConfigureAwait(false);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
