using ActorNet.Configuration;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorNet.Http.Admin;
using ActorNet.Http.Security;
using ActorNet.Monitoring;
using ActorNet.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorNet.Http.Dashboard;

/// <summary>
/// <c>GET /ws/tail[?sink=name][&amp;source=name...][&amp;token=...]</c>: one <see cref="LiveTail"/> subscriber per
/// WebSocket (the token is checked by the admin-token middleware). Sends every record of the <c>websocket</c> sinks (or
/// of the one named), of every source (or of those named, <c>source</c> repeated for several: the others are never
/// queued for this socket, so watching one source of a busy fleet costs no drops) as a text message, and every second
/// <c>{"kind":"stats","dropped":N,"queued":N,"droppedTotal":N,"sinks":[...]}</c> (the first one as soon as the
/// subscriber is registered). The socket's queue holds the sink's <c>subscriber-buffer</c> records; a browser that
/// reads more slowly than records arrive loses its oldest ones, counted in <c>dropped</c>. Refuses upgrades from
/// other sites' pages (403) and more than <see cref="LiveTailLimits.MaxSubscribers"/> sockets at once (503).
/// </summary>
internal sealed class LiveTailEndpoint(ActorNetService service, LiveTailLimits limits, WebSocketOrigin origins)
{
    public const string WebSocketSinkType = "websocket";

    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    // Records sent between two looks at the stats timer, so that a flood of records still lets stats out.
    private const int RecordsPerRound = 256;

    private int _subscribers;

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "/ws/tail expects a WebSocket upgrade");
            return;
        }

        if (!origins.Admits(context.Request))
        {
            HttpLog.TailOriginRefused(Log(context), PeerOf(context), context.Connection.RemotePort, context.Request.Headers.Origin.ToString());
            await RefuseAsync(context, StatusCodes.Status403Forbidden, origins.Refusal(context.Request, "/ws/tail"));
            return;
        }

        var sinks = service.Settings.Sinks.Values.Where(s => s.Type == WebSocketSinkType).ToArray();
        var filter = context.Request.Query["sink"].ToString() is { Length: > 0 } name ? name : null;
        if (filter is not null && sinks.All(s => s.Name != filter))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"no websocket sink is named \"{filter}\"");
            return;
        }
        var watched = sinks.Where(s => filter is null || s.Name == filter).ToArray();
        var sources = context.Request.Query["source"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct(StringComparer.Ordinal).ToArray();
        if (sources.FirstOrDefault(s => service.Settings.Sources.All(known => known.Name != s)) is { } unknown)
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"no source is named \"{unknown}\"");
            return;
        }

        // Counted before the check, so that two upgrades racing for the last place cannot both take it.
        if (Interlocked.Increment(ref _subscribers) > limits.MaxSubscribers)
        {
            Interlocked.Decrement(ref _subscribers);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"/ws/tail already serves {limits.MaxSubscribers} subscribers, the most it serves at once; close another tab or try later");
            return;
        }

        try
        {
            await ServeAsync(context, watched.Select(s => s.Name).ToArray(), filter, sources,
                capacity: watched.Select(s => s.SubscriberBuffer).DefaultIfEmpty(1).Max()); // with no websocket sink nothing is published
        }
        finally
        {
            Interlocked.Decrement(ref _subscribers);
        }
    }

    private async Task ServeAsync(HttpContext context, string[] sinks, string? filter, string[] sources, int capacity)
    {
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var log = Log(context);

        // The server pings, and aborts a socket whose pong does not come back in time: a browser whose machine
        // slept or whose network dropped never sends a close, and its subscriber would stay for good.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = limits.KeepAliveInterval,
            KeepAliveTimeout = limits.KeepAliveTimeout,
        });
        using var subscription = service.LiveTail.Subscribe(capacity, filter, sources);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var receiving = ReceiveUntilClosedAsync(socket, closed);
        var sender = new Sender(socket, closed.Token, limits.SendTimeout);
        try
        {
            await SendAsync(sender, subscription, service.LiveTail, sinks, closed.Token);
        }
        catch (OperationCanceledException) when (sender.TimedOut)
        {
            // Cancelling the send aborted the socket: nothing more can be said to this browser.
            HttpLog.TailSendTimedOut(log, PeerOf(context), context.Connection.RemotePort, limits.SendTimeout);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The browser left, the connection broke or the server is stopping: nothing to tell anyone.
        }
        finally
        {
            sender.Dispose();
            await closed.CancelAsync();
            await receiving;
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // A peer that does not take the close frame is gone anyway.
            }
        }
    }

    private static async Task SendAsync(Sender sender, LiveTailSubscription subscription, LiveTail tail, string[] sinks, CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(StatsInterval);
        await SendStatsAsync(sender, subscription, tail, sinks);
        Task<bool>? record = null;
        Task<bool>? tick = null;
        while (true)
        {
            record ??= subscription.Reader.WaitToReadAsync(cancel).AsTask();
            tick ??= timer.WaitForNextTickAsync(cancel).AsTask();
            if (await Task.WhenAny(record, tick) == tick)
            {
                if (!await tick) return;
                tick = null;
                await SendStatsAsync(sender, subscription, tail, sinks);
                continue;
            }
            if (!await record) return;
            record = null;
            for (var sent = 0; sent < RecordsPerRound && subscription.Reader.TryRead(out var next); sent++)
                await sender.SendAsync(next.Json);
        }
    }

    private static Task SendStatsAsync(Sender sender, LiveTailSubscription subscription, LiveTail tail, string[] sinks) =>
        sender.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new TailStats(subscription.DroppedCount, subscription.Queued, tail.Dropped, sinks),
            DashboardJson.Options));

    /// <summary>Reads (and ignores) what the browser sends until it closes, then cancels <paramref name="closed"/>.</summary>
    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, closed.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Cancelled by the sender's end, the keep-alive gave up, or the connection broke: this socket is done.
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    private static ILogger Log(HttpContext context) =>
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(ActorNet.Configuration.LogCategories.Http) ?? NullLogger.Instance;

    private static string PeerOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "?";

    private static Task RefuseAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(error), AdminJsonContext.Default.ErrorResponse);
    }

    /// <summary>
    /// Sends text messages, each within <c>timeout</c>. One deadline serves every send of the socket: armed before a
    /// send and disarmed after, so that a record costs no timer of its own.
    /// </summary>
    private sealed class Sender(WebSocket socket, CancellationToken cancel, TimeSpan timeout) : IDisposable
    {
        private readonly CancellationTokenSource _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        // When the send in progress began (a Stopwatch timestamp); 0 between sends.
        private long _sendingSince;

        /// <summary>The send in progress has outlasted the timeout (rather than failed as the socket closed or the server stopped).</summary>
        public bool TimedOut => _sendingSince != 0 && Stopwatch.GetElapsedTime(_sendingSince) >= timeout;

        public async Task SendAsync(ReadOnlyMemory<byte> message)
        {
            _sendingSince = Stopwatch.GetTimestamp();
            _deadline.CancelAfter(timeout);
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _deadline.Token);
            _sendingSince = 0;
            // False when the deadline fired just as the send completed: the next send fails at once, which is fair
            // to a browser that slow.
            _deadline.TryReset();
        }

        public void Dispose() => _deadline.Dispose();
    }

    private sealed record TailStats(long Dropped, int Queued, long DroppedTotal, string[] Sinks)
    {
        [JsonPropertyOrder(-1)]
        public string Kind => "stats";
    }
}
