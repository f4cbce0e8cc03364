using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorNet.Http.Admin;
using ActorNet.Monitoring;
using ActorNet.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorNet.Http.Dashboard;

/// <summary>
/// <c>GET /ws/tail[?sink=name][&amp;token=...]</c>: one <see cref="LiveTail"/> subscriber per WebSocket (the token is
/// checked by the admin-token middleware). Sends every record of the <c>websocket</c> sinks (or of the one named)
/// as a text message, and every second
/// <c>{"kind":"stats","dropped":N,"queued":N,"droppedTotal":N,"sinks":[...]}</c> (the first one as soon as the
/// subscriber is registered). The socket's queue holds the sink's <c>subscriber-buffer</c> records; a browser that
/// reads more slowly than records arrive loses its oldest ones, counted in <c>dropped</c>.
/// </summary>
internal static class LiveTailEndpoint
{
    public const string WebSocketSinkType = "websocket";

    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    // Records sent between two looks at the stats timer, so that a flood of records still lets stats out.
    private const int RecordsPerRound = 256;

    public static async Task HandleAsync(HttpContext context, ActorNetService service)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new ErrorResponse("/ws/tail expects a WebSocket upgrade"), AdminJsonContext.Default.ErrorResponse);
            return;
        }

        var sinks = service.Settings.Sinks.Values.Where(s => s.Type == WebSocketSinkType).ToArray();
        var filter = context.Request.Query["sink"].ToString() is { Length: > 0 } name ? name : null;
        if (filter is not null && sinks.All(s => s.Name != filter))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new ErrorResponse($"no websocket sink is named \"{filter}\""), AdminJsonContext.Default.ErrorResponse);
            return;
        }
        var watched = sinks.Where(s => filter is null || s.Name == filter).ToArray();

        // With no websocket sink nothing is ever published, and any capacity will do.
        var capacity = watched.Select(s => s.SubscriberBuffer).DefaultIfEmpty(1).Max();
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var subscription = service.LiveTail.Subscribe(capacity, filter);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var receiving = ReceiveUntilClosedAsync(socket, closed);
        try
        {
            await SendAsync(socket, subscription, service.LiveTail, watched.Select(s => s.Name).ToArray(), closed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The browser left, the connection broke or the server is stopping: nothing to tell anyone.
        }
        finally
        {
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

    private static async Task SendAsync(WebSocket socket, LiveTailSubscription subscription, LiveTail tail, string[] sinks,
        CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(StatsInterval);
        await SendStatsAsync(socket, subscription, tail, sinks, cancel);
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
                await SendStatsAsync(socket, subscription, tail, sinks, cancel);
                continue;
            }
            if (!await record) return;
            record = null;
            for (var sent = 0; sent < RecordsPerRound && subscription.Reader.TryRead(out var next); sent++)
                await socket.SendAsync(next.Json, WebSocketMessageType.Text, endOfMessage: true, cancel);
        }
    }

    private static Task SendStatsAsync(WebSocket socket, LiveTailSubscription subscription, LiveTail tail, string[] sinks,
        CancellationToken cancel)
    {
        var stats = JsonSerializer.SerializeToUtf8Bytes(new TailStats(subscription.DroppedCount, subscription.Queued, tail.Dropped, sinks),
            DashboardJson.Options);
        return socket.SendAsync(stats, WebSocketMessageType.Text, endOfMessage: true, cancel);
    }

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
            // Cancelled by the sender's end, or the connection broke: either way this socket is done.
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    private sealed record TailStats(long Dropped, int Queued, long DroppedTotal, string[] Sinks)
    {
        [JsonPropertyOrder(-1)]
        public string Kind => "stats";
    }
}
