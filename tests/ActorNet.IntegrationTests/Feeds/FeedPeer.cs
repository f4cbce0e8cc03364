using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ActorNet.IntegrationTests.Feeds;

/// <summary>
/// One connection accepted by <see cref="FakeFeedServer"/>, scripted by a test: send bytes, reset, close, stay
/// silent, read what ActorNet writes. Reads are buffered, so lines and length-prefixed frames may arrive in any
/// chunks.
/// </summary>
public sealed class FeedPeer : IDisposable
{
    private const int ReadBufferSize = 4096;
    private readonly Socket _socket;
    private readonly Action<long> _onClosed;
    private byte[] _readBuffer = [];
    private int _readStart;
    private int _readEnd;
    private int _disposed;

    internal FeedPeer(Socket socket, long acceptedAt, Action<long> onClosed)
    {
        _socket = socket;
        _onClosed = onClosed;
        _socket.NoDelay = true;
        AcceptedAt = acceptedAt;
    }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the server accepted this connection.</summary>
    public long AcceptedAt { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when this side closed or reset the connection; 0 while open.</summary>
    public long ClosedAt { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    /// <summary>Aborts the connection: an RST instead of a FIN, as a crashing server or a middlebox would.</summary>
    public void Reset()
    {
        MarkClosed();
        _socket.LingerState = new LingerOption(true, 0);
        Dispose();
    }

    /// <summary>Closes the connection normally (FIN).</summary>
    public void Close()
    {
        MarkClosed();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The client was faster: it closed (or reset) first, which is just as closed.
        }
        Dispose();
    }

    /// <summary>The next <c>\n</c>-terminated line, without its newline, and when its last byte arrived.</summary>
    public async Task<(string Line, long At)> ReadLineAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var newline = Array.IndexOf(_readBuffer, (byte)'\n', _readStart, _readEnd - _readStart);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_readBuffer, _readStart, newline - _readStart);
                _readStart = newline + 1;
                return (line, Stopwatch.GetTimestamp());
            }
            await FillAsync(timeout.Token, within);
        }
    }

    /// <summary>The payload of the next frame with a 4-byte big-endian length header, and when it was complete.</summary>
    public async Task<(string Payload, long At)> ReadLengthFramedAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            if (_readEnd - _readStart >= 4)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(_readBuffer.AsSpan(_readStart, 4));
                if (length < 0 || length > ReadBufferSize - 4)
                    throw new InvalidDataException($"length header {length} is not a frame a test would send");
                if (_readEnd - _readStart >= 4 + length)
                {
                    var payload = Encoding.UTF8.GetString(_readBuffer, _readStart + 4, length);
                    _readStart += 4 + length;
                    return (payload, Stopwatch.GetTimestamp());
                }
            }
            await FillAsync(timeout.Token, within);
        }
    }

    /// <summary>
    /// Waits, reading and discarding, until the client closes or resets the connection, and returns when it
    /// did. Fails past <paramref name="within"/>.
    /// </summary>
    public async Task<long> AwaitClosedByClientAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var scratch = new byte[1024];
        try
        {
            while (await _socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // Reset instead of FIN: closed either way.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the client did not close its connection within {within.TotalSeconds:0.###} s");
        }
        return Stopwatch.GetTimestamp();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        MarkClosed();
        _socket.Dispose();
    }

    /// <summary>
    /// Taken before the FIN or RST leaves: the client cannot react to a close earlier than this, which is what
    /// makes it a lower bound for reconnect gaps.
    /// </summary>
    private void MarkClosed()
    {
        if (ClosedAt != 0) return;
        ClosedAt = Stopwatch.GetTimestamp();
        _onClosed(ClosedAt);
    }

    private async Task FillAsync(CancellationToken token, TimeSpan within)
    {
        if (_readStart > 0)
        {
            _readBuffer.AsSpan(_readStart, _readEnd - _readStart).CopyTo(_readBuffer);
            _readEnd -= _readStart;
            _readStart = 0;
        }
        // Allocated on the first read only: a thousand peers that are closed at once should cost next to nothing.
        if (_readBuffer.Length == 0) _readBuffer = new byte[ReadBufferSize];
        if (_readEnd == _readBuffer.Length) throw new InvalidDataException("more than 4 KiB without a complete frame");
        int read;
        try
        {
            read = await _socket.ReceiveAsync(_readBuffer.AsMemory(_readEnd), SocketFlags.None, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw new TimeoutException($"no complete frame from the client within {within.TotalSeconds:0.###} s; buffered: " +
                Encoding.UTF8.GetString(_readBuffer, _readStart, _readEnd - _readStart));
        }
        if (read == 0) throw new EndOfStreamException("the client closed the connection before a complete frame");
        _readEnd += read;
    }
}
