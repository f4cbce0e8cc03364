using System.Net.WebSockets;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>
/// A subscriber of <c>/ws/tail</c> on a <see cref="ClientWebSocket"/>: keeps every message it receives (parsed) for
/// the test to look at, or, once told to <see cref="StopReading"/>, reads nothing more (a stalled browser).
/// </summary>
public sealed class TailClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private volatile bool _stalled;

    private TailClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Connects and waits for the first stats message, which the server sends once this subscriber is registered.</summary>
    /// <param name="origin">The Origin header a browser would send (the page's origin); none when null.</param>
    public static async Task<TailClient> ConnectAsync(Uri uri, string? bearer = null, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new TailClient(socket);
        await client.WaitForAsync(m => Kind(m) == "stats", 1, "the first stats message");
        return client;
    }

    public static string? Kind(JsonElement message) => message.GetProperty("kind").GetString();

    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_messages) return _messages.ToArray();
        }
    }

    public IReadOnlyList<JsonElement> OfKind(string kind) => Messages.Where(m => Kind(m) == kind).ToArray();

    /// <summary>Waits until at least <paramref name="count"/> received messages match; returns those.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForAsync(Func<JsonElement, bool> match, int count, string awaited, TimeSpan? within = null) =>
        Eventually.ValueAsync<IReadOnlyList<JsonElement>>(() => Messages.Where(match).ToArray(), m => m.Count >= count,
            within ?? TimeSpan.FromSeconds(15), $"{count} × {awaited} on /ws/tail");

    /// <summary>From now on nothing is read from the socket: the server's sends back up into its queue for this subscriber.</summary>
    public void StopReading() => _stalled = true;

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && !_stalled)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                using (var document = JsonDocument.Parse(message.ToArray()))
                    lock (_messages) _messages.Add(document.RootElement.Clone());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Disposed, or the server went away: the test looks at what arrived.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _socket.Dispose();
        _stop.Dispose();
    }
}
