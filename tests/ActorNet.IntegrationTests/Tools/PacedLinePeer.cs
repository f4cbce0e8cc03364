using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Tools;

/// <summary>
/// A loopback peer that writes numbered lines (<c>PREFIX-1</c>, <c>PREFIX-2</c>, ...) at a steady, modest pace until
/// disposed: enough for rates to show and for a tap to see records, little enough to leave the machine's cores to
/// the processes under test. Every <see cref="BadEvery"/>-th line may be replaced by a line that is not JSON, for a
/// source with the json parser to quarantine.
/// </summary>
public sealed class PacedLinePeer : IDisposable
{
    public const string BadLine = "not-json{";

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly Socket _socket;
    private readonly string _prefix;
    private readonly int _linesPerTick;
    private readonly int _badEvery;
    private readonly CancellationTokenSource _stop = new();
    private long _sent;

    private PacedLinePeer(Socket socket, string prefix, int linesPerTick, int badEvery)
    {
        _socket = socket;
        _prefix = prefix;
        _linesPerTick = linesPerTick;
        _badEvery = badEvery;
    }

    /// <summary>Lines written so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public int BadEvery => _badEvery;

    /// <summary>Completes when the peer stops writing; its result says why.</summary>
    public Task<string> Streaming { get; private set; } = null!;

    /// <summary>
    /// The line numbered <paramref name="n"/>: <c>PREFIX-n</c>, as a JSON string when <paramref name="json"/> (so that a
    /// json source accepts it).
    /// </summary>
    public static string Line(string prefix, long n, bool json) =>
        json ? $"\"{prefix}-{n.ToString(CultureInfo.InvariantCulture)}\"" : $"{prefix}-{n.ToString(CultureInfo.InvariantCulture)}";

    /// <param name="linesPerTick">Lines written every 20 ms (5 is 250 lines/s).</param>
    /// <param name="badEvery">0: every line good; n: every n-th line is <see cref="BadLine"/>.</param>
    /// <param name="json">Write the good lines as JSON strings.</param>
    public static async Task<PacedLinePeer> StartAsync(int port, string prefix, int linesPerTick = 5, int badEvery = 0, bool json = false)
    {
        var peer = new PacedLinePeer(await Loopback.ConnectAsync(port), prefix, linesPerTick, badEvery);
        peer.Streaming = Task.Run(() => peer.StreamAsync(json));
        return peer;
    }

    private async Task<string> StreamAsync(bool json)
    {
        using var timer = new PeriodicTimer(Tick);
        var next = 1L;
        var chunk = new StringBuilder();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                chunk.Clear();
                for (var i = 0; i < _linesPerTick; i++, next++)
                    chunk.Append(_badEvery > 0 && next % _badEvery == 0 ? BadLine : Line(_prefix, next, json)).Append('\n');
                await _socket.SendAsync(Encoding.ASCII.GetBytes(chunk.ToString()), SocketFlags.None, _stop.Token);
                Interlocked.Exchange(ref _sent, next - 1);
            }
            return "stopped";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
