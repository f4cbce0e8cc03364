using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Dashboard;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// <c>actornet.http.allowed-origins</c> behind a reverse proxy: the proxy forwards to 127.0.0.1 with its default
/// <c>Host</c> (the server's own address, as these requests have), while the browser's <c>Origin</c> is the proxy's
/// public one.
/// </summary>
public sealed class AllowedOriginsSpec : HttpTestKit
{
    private const string Proxy = "https://actornet.example.com";

    [Fact]
    public async Task By_default_the_proxys_page_is_refused_403_and_told_of_the_setting()
    {
        await StartAsync();

        var (status, error) = await UpgradeAsync(Proxy);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains($"own pages only (http://127.0.0.1:{Address.Port}), not from {Proxy}", error);
        Assert.Contains("actornet.http.allowed-origins", error);
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: Proxy));
        Assert.Contains("403", refused.Message);
        Assert.Equal(0, Service.LiveTail.SubscriberCount);
    }

    [Fact]
    public async Task A_listed_origin_is_accepted_however_it_is_written_and_the_servers_own_pages_still_are()
    {
        await StartAsync(httpKeys: $"allowed-origins = [ \"{Proxy}\" ]");

        await using (var proxied = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: Proxy))
            Assert.NotEmpty(proxied.OfKind("stats"));
        await using (var otherCase = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: "HTTPS://ActorNet.Example.com:443"))
            Assert.NotEmpty(otherCase.OfKind("stats"));
        await using (var own = await TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: $"http://127.0.0.1:{Address.Port}"))
            Assert.NotEmpty(own.OfKind("stats"));
        await using (var script = await TailClient.ConnectAsync(WebSocketUri("/ws/tail")))
            Assert.NotEmpty(script.OfKind("stats"));
    }

    [Fact]
    public async Task An_origin_that_is_not_listed_is_still_refused_403()
    {
        await StartAsync(httpKeys: $"allowed-origins = [ \"{Proxy}\" ]");

        // Another site; the listed host on another scheme or port; a subdomain; an origin with more than an origin.
        foreach (var origin in new[] { "https://evil.example", "http://actornet.example.com", "https://actornet.example.com:8443",
                     "https://tail.actornet.example.com", "https://actornet.example.com.evil.example", $"{Proxy}/path", "null" })
        {
            var (status, error) = await UpgradeAsync(origin);
            Assert.True(status == HttpStatusCode.Forbidden, $"{origin}: {status}");
            Assert.Contains($"only from this server's own pages (http://127.0.0.1:{Address.Port}) and from the origins in actornet.http.allowed-origins", error);
            // The refused page is not told which origins pass.
            Assert.DoesNotContain(Proxy, error[..error.IndexOf(", not from ", StringComparison.Ordinal)]);
        }
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(WebSocketUri("/ws/tail"), origin: "https://evil.example"));
        Assert.Contains("403", refused.Message);
        Assert.Equal(0, Service.LiveTail.SubscriberCount);
    }

    [Fact]
    public async Task An_origin_with_user_info_a_path_a_query_or_a_fragment_is_refused_403_even_on_the_servers_own_or_a_listed_host()
    {
        await StartAsync(httpKeys: $"allowed-origins = [ \"{Proxy}\" ]");
        var own = $"http://127.0.0.1:{Address.Port}";

        // Written on the wire as they stand (ClientWebSocket and HttpClient might tidy a header up).
        foreach (var origin in new[] { $"http://evil@127.0.0.1:{Address.Port}", $"{own}/x", $"{own}/", $"{own}?x=1", $"{own}#x",
                     "https://evil@actornet.example.com", $"{Proxy}/x", $"{Proxy}?x=1", $"{Proxy}#x", "null" })
            Assert.True(await RawWebSocketPeer.AnswerToUpgradeAsync(Address, "/ws/tail", origin) == 403, origin);
        Assert.Equal(0, Service.LiveTail.SubscriberCount);
        Assert.Contains($"Origin http://evil@127.0.0.1:{Address.Port} is not this server's own origin nor one in actornet.http.allowed-origins",
            ServerLog.Dump("refused (403)"));

        // The same handshake with the origins themselves upgrades.
        Assert.Equal(101, await RawWebSocketPeer.AnswerToUpgradeAsync(Address, "/ws/tail", own));
        Assert.Equal(101, await RawWebSocketPeer.AnswerToUpgradeAsync(Address, "/ws/tail", Proxy));
    }

    /// <summary>A WebSocket upgrade of /ws/tail through HttpClient, which shows a refusal's body.</summary>
    private async Task<(HttpStatusCode Status, string Error)> UpgradeAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/tail");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Origin", origin);
        using var response = await Http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse);
        return (response.StatusCode, body!.Error);
    }
}
