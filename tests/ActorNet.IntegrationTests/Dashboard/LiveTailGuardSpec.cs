using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using ActorNet.Http.Admin;
using ActorNet.Http.Dashboard;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>
/// What /ws/tail refuses and whom it lets go: other sites' pages, subscribers past the cap, a peer that no longer
/// answers pings, a browser that stopped reading.
/// </summary>
public sealed class LiveTailGuardSpec : HttpTestKit
{
    [Fact]
    public async Task An_upgrade_from_another_sites_page_is_refused_403_and_one_from_the_servers_own_page_is_accepted()
    {
        await StartAsync();
        var own = $"http://127.0.0.1:{Address.Port}";

        foreach (var origin in new[] { "http://evil.example", $"http://evil.example:{Address.Port}", $"https://127.0.0.1:{Address.Port}",
                     "http://127.0.0.1:1", $"http://localhost:{Address.Port}", "null" })
        {
            var (status, error) = await UpgradeAsync(origin);
            Assert.True(status == HttpStatusCode.Forbidden, $"{origin}: {status}");
            Assert.Contains($"own pages only ({own})", error);
        }
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: "http://evil.example"));
        Assert.Contains("403", refused.Message);
        Assert.Equal(0, Service.LiveTail.SubscriberCount);

        await using (var page = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: own))
            Assert.NotEmpty(page.OfKind("stats"));
        await using (var sameOriginOtherCase = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: own.ToUpperInvariant()))
            Assert.NotEmpty(sameOriginOtherCase.OfKind("stats"));
        // Not a browser: no Origin to check (the admin token guards such clients).
        await using (var script = await TailClient.ConnectAsync(WebSocketUri("/ws/tail")))
            Assert.NotEmpty(script.OfKind("stats"));
    }

    [Fact]
    public async Task Past_the_cap_an_upgrade_is_answered_503_and_a_place_frees_when_a_subscriber_leaves()
    {
        await StartAsync(tailLimits: LiveTailLimits.Default with { MaxSubscribers = 2 });
        var first = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"));
        await using var second = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"));

        var (status, error) = await UpgradeAsync(origin: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("already serves 2 subscribers", error);
        Assert.Contains("503", (await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(WebSocketUri("/ws/tail")))).Message);
        Assert.Equal(2, Service.LiveTail.SubscriberCount);

        await first.DisposeAsync();
        // The server learns of the close asynchronously: the upgrade is retried until the place is free.
        await using var third = await PollAsync(TryConnectAsync, client => client is not null, _ => "a third subscriber once the first left");
        Assert.NotEmpty(third!.OfKind("stats"));
        Assert.Equal(2, Service.LiveTail.SubscriberCount);
    }

    [Fact]
    public async Task A_peer_that_never_answers_a_ping_is_disconnected_and_one_that_answers_stays()
    {
        await StartAsync(tailLimits: LiveTailLimits.Default with
        {
            KeepAliveInterval = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = TimeSpan.FromMilliseconds(300),
        });
        await using var answering = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"));
        using var silent = await RawWebSocketPeer.ConnectAsync(Address, "/ws/tail");

        // Reads whatever comes (stats, pings), answers nothing.
        await silent.Socket.AwaitClosedByServerAsync(Bound);

        await PollAsync(() => Task.FromResult(Service.LiveTail.SubscriberCount), n => n == 1, n => $"1 subscriber left; {n}");
        var seen = answering.OfKind("stats").Count;
        await answering.WaitForAsync(m => TailClient.Kind(m) == "stats", seen + 1, "stats after the silent peer was dropped");
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_closed_once_a_send_outlasts_the_send_timeout()
    {
        var live = $"{DataSink}-live";
        StartActorNet(sinks: ($"sinks = [ {DataSink}, {live} ], quarantine = {QuarantineSink}",
            $"{DataSink} {{ type = recording }}\n{QuarantineSink} {{ type = recording-quarantine }}\n{live} {{ type = websocket, subscriber-buffer = 1000000 }}"));
        await StartServerAsync(LiveTailLimits.Default with { SendTimeout = TimeSpan.FromMilliseconds(500) });
        // A small receive buffer, never read: the server's sends back up once it and Kestrel's output buffer are full.
        using var stalled = await RawWebSocketPeer.ConnectAsync(Address, "/ws/tail", receiveBuffer: 4096);
        await PollAsync(() => Task.FromResult(Service.LiveTail.SubscriberCount), n => n == 1, n => $"the stalled subscriber registered; {n}");

        const int frames = 100_000;
        var wire = new StringBuilder();
        for (var i = 1; i <= frames; i++) wire.Append("frame-").Append(i).Append(' ').Append('x', 100).Append('\n');
        using var peer = await ConnectAsync();
        await peer.SendAsync(Encoding.ASCII.GetBytes(wire.ToString()), SocketFlags.None);

        await PollAsync(() => Task.FromResult(Service.LiveTail.SubscriberCount), n => n == 0, n => $"the stalled subscriber closed; {n} left");
        await PollAsync(() => Task.FromResult(Data.Count), n => n == frames, n => $"{frames} frames in {DataSink}; {n}");
    }

    private async Task<TailClient?> TryConnectAsync()
    {
        try
        {
            return await TailClient.ConnectAsync(WebSocketUri("/ws/tail"));
        }
        catch (WebSocketException e) when (e.Message.Contains("503", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>A WebSocket upgrade of /ws/tail through HttpClient, which shows a refusal's body.</summary>
    private async Task<(HttpStatusCode Status, string Error)> UpgradeAsync(string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/tail");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        if (origin is not null) request.Headers.Add("Origin", origin);
        using var response = await Http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse);
        return (response.StatusCode, body!.Error);
    }
}
