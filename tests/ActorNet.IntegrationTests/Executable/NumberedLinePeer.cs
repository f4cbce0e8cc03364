using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>
/// A loopback peer that writes <c>frame-000001\n</c>, <c>frame-000002\n</c>, ... as fast as the socket takes them
/// until it is disposed or the connection breaks, and reads the <c>ACK n</c> lines ActorNet writes back.
/// Both loops run on the thread pool; the counters may be read at any time.
/// </summary>
public sealed class NumberedLinePeer : IDisposable
{
    private const int LinesPerWrite = 200;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private long _handed;
    private long _written;
    private long _highestAck;

    private NumberedLinePeer(Socket socket)
    {
        _socket = socket;
        Name = socket.PeerName();
    }

    /// <summary>The peer's <c>ip:port</c>, as ActorNet logs and stores it.</summary>
    public string Name { get; }

    /// <summary>
    /// Lines handed to the socket, the write in progress included: ActorNet cannot have read (or acknowledged) more.
    /// </summary>
    public long Handed => Interlocked.Read(ref _handed);

    /// <summary>Lines in writes that completed: the kernel has them, though ActorNet may not have read them yet.</summary>
    public long Written => Interlocked.Read(ref _written);

    public long HighestAck => Interlocked.Read(ref _highestAck);

    /// <summary>Lines from ActorNet that are not <c>ACK n</c> with n above every earlier n.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>Completes when the peer stops writing; its result says why.</summary>
    public Task<string> Streaming { get; private set; } = null!;

    /// <summary>Completes when ActorNet's side of the connection ends (end of stream or reset).</summary>
    public Task Reading { get; private set; } = null!;

    /// <summary>The payload ActorNet stores for line <paramref name="n"/> (counted from 1).</summary>
    public static string Payload(long n) => "frame-" + n.ToString("D6", CultureInfo.InvariantCulture);

    public static async Task<NumberedLinePeer> StartAsync(int port)
    {
        var peer = new NumberedLinePeer(await Loopback.ConnectAsync(port));
        peer.Streaming = Task.Run(peer.StreamAsync);
        peer.Reading = Task.Run(peer.ReadAcksAsync);
        return peer;
    }

    private async Task<string> StreamAsync()
    {
        var next = 1L;
        var chunk = new StringBuilder();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                chunk.Clear();
                for (var i = 0; i < LinesPerWrite; i++) chunk.Append(Payload(next + i)).Append('\n');
                var bytes = Encoding.ASCII.GetBytes(chunk.ToString());
                Interlocked.Exchange(ref _handed, next + LinesPerWrite - 1);
                var sent = 0;
                while (sent < bytes.Length)
                    sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                next += LinesPerWrite;
                Interlocked.Exchange(ref _written, next - 1);
            }
            return "stopped by the test";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private async Task ReadAcksAsync()
    {
        var buffer = new byte[4096];
        var line = new StringBuilder();
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        line.Append((char)buffer[i]);
                        continue;
                    }
                    Acknowledged(line.ToString());
                    line.Clear();
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ends in a reset when ActorNet is killed, or when the test disposes the peer.
        }
    }

    private void Acknowledged(string line)
    {
        var previous = HighestAck;
        if (line.StartsWith("ACK ", StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > previous)
            Interlocked.Exchange(ref _highestAck, n);
        else
            _unexpected.Enqueue($"\"{line}\" after ACK {previous}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
