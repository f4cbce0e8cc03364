using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorNet.Host.Commands.Status;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Tap;

/// <summary>
/// One <c>actornet tap</c> run: subscribes to <c>/ws/tail</c> and prints each wanted record as one JSON line, exactly
/// as the tail sent it. The tail replays nothing, so what is printed is what the websocket sinks publish after the
/// tap connected. The token goes in the <c>Authorization</c> header (never in the URL, where proxies log it); a
/// <see cref="ClientWebSocket"/> sends no <c>Origin</c>, which the tail admits as a non-browser client.
///
/// Exit codes: 0 when <c>--limit</c> records were printed, or on Ctrl-C or SIGTERM (the socket is closed with a
/// close handshake); 1 when the tail cannot be reached or refuses the tap, when the server has no websocket sink
/// (nothing would ever arrive), or when the server ends the tail first.
/// </summary>
public sealed class TapSession
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(10);

    // How long the close handshake may take before the socket is simply dropped.
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(2);

    private readonly TapOptions _options;
    private readonly Uri _tail;
    private readonly TerminalProgress _progress;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private long _printed;
    private long _dropped;
    private bool _sawStats;

    private TapSession(TapOptions options, TextWriter output, TextWriter error)
    {
        _options = options;
        _tail = TailUri(options.Url, options.Sink, options.Sources);
        // On a terminal a progress line counts the records; they and any warning are printed above it.
        _progress = TerminalProgress.OnStandardError(error, "tap", "records");
        _output = _progress.Above(output);
        _error = _progress.Above(error);
    }

    /// <param name="output">Where records go, one JSON object per line.</param>
    /// <param name="error">Where problems go: refusals, records the server dropped, how the tail ended.</param>
    public static Task<int> RunAsync(TapOptions options, TextWriter output, TextWriter error, CancellationToken token) =>
        new TapSession(options, output, error).RunAsync(token);

    /// <summary>
    /// <c>ws://</c> (or <c>wss://</c>) <c>HOST/ws/tail</c>, below the given URL's path, with the sink and source
    /// filters: the server queues only the records wanted, so a tap of one source keeps up in a busy fleet.
    /// </summary>
    public static Uri TailUri(Uri url, string? sink, IEnumerable<string>? sources = null)
    {
        var query = (sink is null ? [] : new[] { "sink=" + Uri.EscapeDataString(sink) })
            .Concat((sources ?? []).Order(StringComparer.Ordinal).Select(s => "source=" + Uri.EscapeDataString(s)));
        var builder = new UriBuilder(new Uri(url, "ws/tail"))
        {
            Scheme = url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = string.Join('&', query),
        };
        return builder.Uri;
    }

    private async Task<int> RunAsync(CancellationToken token)
    {
        using var progress = _progress;
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (!string.IsNullOrEmpty(_options.Token)) socket.Options.SetRequestHeader("Authorization", "Bearer " + _options.Token);

        if (await ConnectAsync(socket, token) is { } refusal)
        {
            if (!token.IsCancellationRequested) await _error.WriteLineAsync($"actornet tap: {refusal}");
            return token.IsCancellationRequested ? 0 : 1;
        }

        // Ctrl-C starts the close handshake; the loop below ends when the server's close arrives, or after CloseBound.
        using var abort = new CancellationTokenSource();
        var closing = Task.CompletedTask;
        string? ending;
        await using (token.Register(() =>
                     {
                         closing = CloseAsync(socket);
                         abort.CancelAfter(CloseBound);
                     }))
        {
            ending = await ReadAsync(socket, token, abort.Token);
        }
        await closing;
        progress.Dispose();
        if (ending is null) return 0;
        await _error.WriteLineAsync($"actornet tap: {ending}");
        return 1;
    }

    /// <summary>Null once connected; otherwise why not, in one line.</summary>
    private async Task<string?> ConnectAsync(ClientWebSocket socket, CancellationToken token)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(ConnectBound);
        try
        {
            await socket.ConnectAsync(_tail, bound.Token);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"{_tail} did not answer within {ConnectBound.TotalSeconds:0} s";
        }
        catch (WebSocketException e)
        {
            return socket.HttpStatusCode switch
            {
                HttpStatusCode.Unauthorized => $"{_tail} answered 401 Unauthorized: give the admin token with --token (or {StatusCommand.TokenVariable})",
                HttpStatusCode.NotFound when _options.Sink is not null || _options.Sources.Count > 0 =>
                    $"{_tail} answered 404: ActorNet has no {string.Join(", or no ", NamedFilters())}",
                HttpStatusCode.NotFound => $"{_tail} answered 404: not an ActorNet with a live tail (is --url right?)",
                HttpStatusCode.ServiceUnavailable => $"{_tail} answered 503: the live tail serves as many subscribers as it can; close one or try later",
                0 => $"cannot connect to {_tail}: {Innermost(e).Message}",
                var status => $"{_tail} answered {(int)status} {status} instead of a WebSocket upgrade",
            };
        }
    }

    /// <summary>What the tap asked the server for by name, as a 404 may refuse it: the sink, then each source.</summary>
    private IEnumerable<string> NamedFilters() =>
        (_options.Sink is { } sink ? [$"websocket sink named \"{sink}\""] : Array.Empty<string>())
        .Concat(_options.Sources.Order(StringComparer.Ordinal).Select(s => $"source named \"{s}\""));

    /// <summary>Prints records until the limit or a stop (returns null), or until the tail ends on its own (returns how).</summary>
    /// <param name="stopping">Cancelled by Ctrl-C or SIGTERM: what still arrives is not printed, and the tail's close ends the loop.</param>
    /// <param name="abort">Cancelled when the close handshake after a stop takes too long.</param>
    private async Task<string?> ReadAsync(ClientWebSocket socket, CancellationToken stopping, CancellationToken abort)
    {
        var buffer = new byte[64 * 1024];
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), abort);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return stopping.IsCancellationRequested
                        ? null
                        : $"{_tail} ended the tail after {_printed} record(s) ({socket.CloseStatusDescription ?? socket.CloseStatus?.ToString() ?? "closed"})";
                }
                message.Write(buffer.AsSpan(0, received.Count));
                if (!received.EndOfMessage) continue;

                if (!stopping.IsCancellationRequested && await HandleAsync(message.WrittenMemory) is { } problem)
                {
                    await CloseAsync(socket);
                    return problem;
                }
                message.ResetWrittenCount();
                if (_printed == _options.Limit)
                {
                    await CloseAsync(socket);
                    return null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The close handshake took longer than CloseBound: the socket was dropped instead, which is fine.
            return null;
        }
        catch (WebSocketException e)
        {
            return stopping.IsCancellationRequested ? null : $"lost the connection to {_tail} after {_printed} record(s): {Innermost(e).Message}";
        }
    }

    /// <summary>Prints a wanted record, or reports what a stats message says; returns why the tap cannot go on, if so.</summary>
    private async Task<string?> HandleAsync(ReadOnlyMemory<byte> json)
    {
        TapMessage message;
        try
        {
            message = TapMessage.Read(json);
        }
        catch (JsonException e)
        {
            return $"{_tail} sent something that is not ActorNet's tail JSON: {e.Message}";
        }

        switch (message)
        {
            case TapMessage.Record when message.Wanted(_options):
                await _output.WriteLineAsync(Encoding.UTF8.GetString(json.Span));
                _printed++;
                _progress.Add();
                return null;
            case TapMessage.Stats stats:
                if (!_sawStats && stats.Sinks.Count == 0)
                {
                    return $"{_options.Url} has no websocket sink, so nothing reaches the live tail: add a sink with type = websocket "
                        + "to the sinks of the sources to tap";
                }
                _sawStats = true;
                if (stats.Dropped > _dropped)
                {
                    await _error.WriteLineAsync($"actornet tap: the server dropped {stats.Dropped - _dropped} record(s) because this tap fell behind "
                        + $"({stats.Dropped} so far); a websocket sink's subscriber-buffer sets how far a subscriber may lag");
                    _dropped = stats.Dropped;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>Starts the close handshake; a socket that cannot take it any more is left to be disposed.</summary>
    private static async Task CloseAsync(ClientWebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var bound = new CancellationTokenSource(CloseBound);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "tap done", bound.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The server is gone or slow: the socket is disposed (and so dropped) on the way out anyway.
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
