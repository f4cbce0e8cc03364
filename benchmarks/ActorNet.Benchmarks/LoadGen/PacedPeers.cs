using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorNet.Benchmarks.Latency;

namespace ActorNet.Benchmarks.LoadGen;

/// <summary>
/// Peers that send newline-framed payloads stamped with their send time (<see cref="SendStamp"/>) for a fixed
/// duration, either paced (each peer one frame every <c>interval</c>, peers spread evenly over the interval) or
/// saturating (each peer writes batches back to back). A peer starts its schedule when its own connect completes,
/// so sending begins with the first connect and overlaps the others.
/// <para>
/// Paced sending is one loop over all peers, about once a millisecond: a peer that is due gets every frame it is
/// owed in one write (at high rates several per write, as a busy peer's kernel would coalesce them), each stamped
/// with the moment of that write. The stamp is the real send time, not the scheduled one: when this loop falls
/// behind its schedule the delay is not in send→sink (it is reported as the lag instead).
/// </para>
/// </summary>
public sealed class PacedPeers : IAsyncDisposable
{
    private const int MaxWriteBytes = 64 * 1024;
    private const byte FirstPrintable = (byte)'!';
    private const int PrintableCount = '~' - '!' + 1;

    private readonly IPEndPoint _target;
    private readonly Socket?[] _sockets;
    private readonly long[] _firstDue;
    private readonly long[] _sent;
    private readonly int _frameLength;
    private readonly long _intervalTicks;
    private readonly int _connectParallelism;
    private readonly byte[] _template;
    private long _framesSent;
    private long _writes;
    private long _maxLagTicks;
    private int _failed;
    private int _connectsDone;
    private readonly TaskCompletionSource<long> _allConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="interval">Between two frames of one peer; <see cref="TimeSpan.Zero"/> saturates.</param>
    public PacedPeers(IPEndPoint target, int connections, int size, TimeSpan interval, int connectParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, SendStamp.MinimumPayload);
        _target = target;
        _sockets = new Socket?[connections];
        _firstDue = new long[connections];
        _sent = new long[connections];
        _frameLength = size + 1;
        _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _connectParallelism = connectParallelism;

        // Saturating peers each own a buffer; bound their sum so that 10,000 of them do not take 640 MiB.
        int framesPerWrite = Math.Max(1, Math.Min(MaxWriteBytes, (int)Math.Min(MaxWriteBytes, (256L << 20) / connections)) / _frameLength);
        _template = new byte[framesPerWrite * _frameLength];
        for (int f = 0; f < framesPerWrite; f++)
        {
            Span<byte> frame = _template.AsSpan(f * _frameLength, _frameLength);
            frame[SendStamp.Width] = (byte)' ';
            for (int i = SendStamp.MinimumPayload; i < size; i++)
            {
                frame[i] = (byte)(FirstPrintable + ((i + f) % PrintableCount));
            }

            frame[size] = (byte)'\n';
        }
    }

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public long Writes => Interlocked.Read(ref _writes);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Completes with the Stopwatch timestamp at which the last connect attempt ended.</summary>
    public Task<long> AllConnected => _allConnected.Task;

    /// <summary>The furthest a paced write was behind its schedule; zero when saturating.</summary>
    public TimeSpan MaxLag => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _maxLagTicks));

    /// <summary>Connects every peer and sends until <paramref name="duration"/> has passed since this call.</summary>
    public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        using var gate = new SemaphoreSlim(_connectParallelism);
        var peers = new Task[_sockets.Length];
        for (int i = 0; i < _sockets.Length; i++)
        {
            peers[i] = ConnectAsync(i, end, gate, cancellationToken);
        }

        if (_intervalTicks > 0)
        {
            await PaceAsync(end, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(peers).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            if (Interlocked.Exchange(ref _sockets[i], null) is { } socket)
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                    // Already reset by the server: nothing left to flush.
                }

                socket.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(int index, long end, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await PeerSocket.ConnectAsync(_target, gate, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _failed);
            ConnectDone();
            return;
        }

        // Spread the peers over one interval so that 10,000 peers do not all write in the same millisecond.
        _firstDue[index] = Stopwatch.GetTimestamp() + (_intervalTicks * index / _sockets.Length);
        Volatile.Write(ref _sockets[index], socket);
        ConnectDone();
        if (_intervalTicks == 0)
        {
            await SaturateAsync(socket, end, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ConnectDone()
    {
        if (Interlocked.Increment(ref _connectsDone) == _sockets.Length)
        {
            _allConnected.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    private async Task SaturateAsync(Socket socket, long end, CancellationToken cancellationToken)
    {
        byte[] buffer = (byte[])_template.Clone();
        int frames = buffer.Length / _frameLength;
        while (Stopwatch.GetTimestamp() < end)
        {
            if (!await SendAsync(socket, buffer, frames, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task PaceAsync(long end, CancellationToken cancellationToken)
    {
        byte[] buffer = _template;
        int maxFrames = buffer.Length / _frameLength;
        long now;
        while ((now = Stopwatch.GetTimestamp()) < end)
        {
            for (int i = 0; i < _sockets.Length; i++)
            {
                if (Volatile.Read(ref _sockets[i]) is not { } socket || now < _firstDue[i])
                {
                    continue;
                }

                long owed = ((now - _firstDue[i]) / _intervalTicks) + 1 - _sent[i];
                if (owed <= 0)
                {
                    continue;
                }

                long lag = now - (_firstDue[i] + (_sent[i] * _intervalTicks));
                if (lag > _maxLagTicks)
                {
                    Interlocked.Exchange(ref _maxLagTicks, lag);
                }

                int frames = (int)Math.Min(owed, maxFrames);
                if (!await SendAsync(socket, buffer, frames, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Exchange(ref _sockets[i], null)?.Dispose();
                    continue;
                }

                _sent[i] += frames;
                now = Stopwatch.GetTimestamp();
            }

            // About 1 ms on Linux; a peer owed more frames by then gets them all in its next write.
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> SendAsync(Socket socket, byte[] buffer, int frames, CancellationToken cancellationToken)
    {
        long stamp = Stopwatch.GetTimestamp();
        SendStamp.Write(buffer, stamp);
        for (int f = 1; f < frames; f++)
        {
            buffer.AsSpan(0, SendStamp.Width).CopyTo(buffer.AsSpan(f * _frameLength));
        }

        try
        {
            await socket.SendAsync(buffer.AsMemory(0, frames * _frameLength), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // The server closed this peer: count it and stop sending on it; the command reports failures.
            Interlocked.Increment(ref _failed);
            return false;
        }

        Interlocked.Add(ref _framesSent, frames);
        Interlocked.Increment(ref _writes);
        return true;
    }
}
