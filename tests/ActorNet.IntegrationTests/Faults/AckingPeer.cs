using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Faults;

/// <summary>
/// A peer of a source with ack.enabled and newline framing: sends numbered lines and reads <c>ACK n</c> lines in
/// the background, keeping the highest n. An ACK that goes backwards or past what was sent is recorded as a
/// violation for the test to assert on.
/// </summary>
internal sealed class AckingPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task _reading;
    private readonly CancellationTokenSource _stop = new();
    private long _highestAck;
    private long _sent;
    private volatile string? _violation;

    private AckingPeer(Socket socket, string name)
    {
        _socket = socket;
        Name = name;
        _reading = ReadAcksAsync();
    }

    public string Name { get; }

    public long HighestAck => Interlocked.Read(ref _highestAck);

    /// <summary>Null while every ACK came in order and within what was sent.</summary>
    public string? Violation => _violation;

    public static async Task<AckingPeer> ConnectAsync(int port, string name) => new(await Loopback.ConnectAsync(port), name);

    /// <summary>The payload of line <paramref name="seq"/>.</summary>
    public string Line(long seq) => $"{Name} line {seq:D6}";

    /// <summary>Sends lines <paramref name="from"/>..<paramref name="to"/>, up to 64 KiB a send.</summary>
    public async Task SendLinesAsync(long from, long to)
    {
        var chunk = new StringBuilder();
        for (var seq = from; seq <= to; seq++)
        {
            chunk.Append(Line(seq)).Append('\n');
            if (chunk.Length < 64 * 1024 && seq < to) continue;
            var bytes = Encoding.ASCII.GetBytes(chunk.ToString());
            // Before the send: ActorNet may read and acknowledge the chunk before SendAsync returns.
            Interlocked.Exchange(ref _sent, seq);
            for (var sent = 0; sent < bytes.Length;) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, _stop.Token);
            chunk.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadAcksAsync()
    {
        var buffer = new byte[4096];
        var pending = new StringBuilder();
        while (!_stop.IsCancellationRequested)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (read == 0) return;
            pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
            for (var end = pending.ToString().IndexOf('\n'); end >= 0; end = pending.ToString().IndexOf('\n'))
            {
                var line = pending.ToString(0, end);
                pending.Remove(0, end + 1);
                if (!line.StartsWith("ACK ", StringComparison.Ordinal) || !long.TryParse(line.AsSpan(4), out var n))
                {
                    _violation ??= $"not an ACK: \"{line}\"";
                    continue;
                }
                if (n <= HighestAck) _violation ??= $"ACK {n} after ACK {HighestAck}";
                if (n > Interlocked.Read(ref _sent)) _violation ??= $"ACK {n} with {Interlocked.Read(ref _sent)} lines sent";
                Interlocked.Exchange(ref _highestAck, n);
            }
        }
    }
}
