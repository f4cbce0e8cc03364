using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Hosting;

/// <summary>
/// A loopback peer that writes <c>NAME-1\n</c>, <c>NAME-2\n</c>, ... in whole writes of a few lines, paced so that a
/// test of a few seconds stays small, until <see cref="StopAsync"/>: then it finishes its write and half-closes, so
/// that the lines sent are exactly <c>1..Sent</c>. It also notices when ActorNet closes the connection.
/// </summary>
public sealed class StreamingPeer : IAsyncDisposable
{
    private const int LinesPerWrite = 20;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(5);

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<long> _streaming;
    private long _sent;

    private StreamingPeer(Socket socket, string name)
    {
        _socket = socket;
        Name = name;
        _streaming = Task.Run(StreamAsync);
        ClosedByServer = Task.Run(async () =>
        {
            try
            {
                await _socket.AwaitClosedByServerAsync(TimeSpan.FromMinutes(5));
            }
            catch (ObjectDisposedException)
            {
                // Disposed by the test: the test is over.
            }
        });
    }

    /// <summary>The prefix of every payload this peer sends.</summary>
    public string Name { get; }

    /// <summary>Lines written so far (whole writes that completed).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Completes when ActorNet has closed the connection (end of stream or reset).</summary>
    public Task ClosedByServer { get; }

    /// <summary>Why streaming ended early (the server closed the connection), or null while it goes on or was stopped.</summary>
    public string? Broken { get; private set; }

    public static async Task<StreamingPeer> StartAsync(int port, string name) => new(await Loopback.ConnectAsync(port), name);

    public static string Payload(string name, long n) => name + "-" + n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Stops after the write under way and half-closes; returns how many lines were sent in all.</summary>
    public async Task<long> StopAsync()
    {
        _stop.Cancel();
        var sent = await _streaming.WaitAsync(TimeSpan.FromSeconds(30));
        if (Broken is null) _socket.Shutdown(SocketShutdown.Send);
        return sent;
    }

    private async Task<long> StreamAsync()
    {
        var next = 1L;
        var chunk = new StringBuilder();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                chunk.Clear();
                for (var i = 0; i < LinesPerWrite; i++) chunk.Append(Payload(Name, next + i)).Append('\n');
                var bytes = Encoding.ASCII.GetBytes(chunk.ToString());
                // Not cancelled by StopAsync: a write is finished or not started, so that no line is cut in half.
                var sent = 0;
                while (sent < bytes.Length) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
                next += LinesPerWrite;
                Interlocked.Exchange(ref _sent, next - 1);
                // Pacing, not synchronisation: it keeps the files of a test of a few seconds small.
                await Task.Delay(Pace);
            }
        }
        catch (SocketException e)
        {
            Broken = $"{e.SocketErrorCode}: {e.Message}";
        }
        return Sent;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAny(_streaming, Task.Delay(TimeSpan.FromSeconds(10)));
        _socket.Dispose();
        _stop.Dispose();
    }
}
