using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>/api/* over real connections: what it lists, closing one peer, and the admin token.</summary>
public sealed class AdminApiSpec : HttpTestKit
{
    [Fact]
    public async Task Lists_the_source_and_each_connection_with_its_peer_and_counters()
    {
        await StartAsync();
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        await a.SendAsync("one\ntwo\n"u8.ToArray(), SocketFlags.None);
        await b.SendAsync("three\n"u8.ToArray(), SocketFlags.None);

        var connections = await PollAsync(ConnectionsAsync, c => c.Sum(x => x.Frames) == 3, c => $"3 frames over {c.Count} connection(s)");
        var byPeer = connections.ToDictionary(c => c.Peer);
        Assert.Equal(new[] { a.PeerName(), b.PeerName() }.Order(), connections.Select(c => c.Peer).Order());
        Assert.Equal(2, byPeer[a.PeerName()].Frames);
        Assert.Equal(8, byPeer[a.PeerName()].Bytes);
        Assert.Equal(1, byPeer[b.PeerName()].Frames);
        Assert.All(connections, c => Assert.Equal(SourceName, c.Source));
        Assert.All(connections, c => Assert.NotNull(c.LastFrameAt));

        var sources = (await Http.GetFromJsonAsync("/api/sources", AdminJsonContext.Default.SourcesResponse))!;
        var source = Assert.Single(sources.Sources);
        Assert.Equal((SourceName, "tcp-listen", "listening", 2, 2L, 3L, 14L), (source.Name, source.Type, source.State, source.ConnectionsActive,
            source.ConnectionsAccepted, source.Frames, source.Bytes));
        Assert.Null(source.NextAttemptAt);
        Assert.Equal(Service.Settings.Sources[0].MaxInflightBytes, source.MaxInflightBytes);
        Assert.Equal(0, source.ProcessBudgetPauses);
        Assert.NotNull(sources.Buffered);
        Assert.Equal(Service.Settings.MaxBufferedBytes, sources.Buffered.LimitBytes);
        Assert.Equal(0, sources.Buffered.WaitingConnections);
        Assert.InRange(sources.Buffered.HeldBytes, 0, Service.Settings.MaxBufferedBytes);
    }

    [Fact]
    public async Task Names_are_camelCase_in_the_json()
    {
        await StartAsync();
        using var peer = await ConnectAsync();
        await peer.SendAsync("x\n"u8.ToArray(), SocketFlags.None);
        await PollAsync(ConnectionsAsync, c => c.Count == 1 && c[0].Frames == 1, c => $"{c.Count} connection(s)");

        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/connections"));
        var connection = document.RootElement.GetProperty("connections")[0];
        Assert.Equal(["id", "source", "peer", "connectedAt", "lastFrameAt", "frames", "bytes", "quarantined", "heldBytes"],
            connection.EnumerateObject().Select(p => p.Name));
        Assert.Equal(peer.PeerName(), connection.GetProperty("peer").GetString());
    }

    [Fact]
    public async Task Sources_keep_their_shape_and_add_the_process_budget_beside_them()
    {
        await StartAsync();

        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/sources"));
        Assert.Equal(["sources", "buffered"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["heldBytes", "limitBytes", "waitingConnections", "pauses"],
            document.RootElement.GetProperty("buffered").EnumerateObject().Select(p => p.Name));
        var source = document.RootElement.GetProperty("sources")[0];
        Assert.Equal(["maxInflightBytes", "processBudgetPauses"], source.EnumerateObject().Select(p => p.Name).TakeLast(2));
        Assert.Equal(Service.Settings.MaxBufferedBytes, document.RootElement.GetProperty("buffered").GetProperty("limitBytes").GetInt64());
    }

    [Fact]
    public async Task Delete_closes_that_peer_and_the_other_keeps_streaming()
    {
        await StartAsync();
        using var doomed = await ConnectAsync();
        using var kept = await ConnectAsync();
        await doomed.SendAsync("doomed 1\n"u8.ToArray(), SocketFlags.None);
        await kept.SendAsync("kept 1\n"u8.ToArray(), SocketFlags.None);
        var connections = await PollAsync(ConnectionsAsync, c => c.Count == 2 && c.All(x => x.Frames == 1), c => $"2 connections with a frame each; {c.Count}");
        var id = connections.Single(c => c.Peer == doomed.PeerName()).Id;

        using var response = await Http.DeleteAsync($"/api/connections/{id}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(new ClosingResponse(id, "closing"), await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ClosingResponse));
        await doomed.AwaitClosedByServerAsync(Bound);
        // Gone from the view before its socket closed: asked again once the peer saw the close, it is not found.
        using (var again = await Http.DeleteAsync($"/api/connections/{id}")) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.DoesNotContain(await ConnectionsAsync(), c => c.Id == id);
        await kept.SendAsync("kept 2\n"u8.ToArray(), SocketFlags.None);
        var payloads = await PollAsync(() => Task.FromResult(Data.Select(r => r.Payload ?? "").ToArray()), p => p.Contains("kept 2"),
            p => $"\"kept 2\" stored; seen {string.Join(", ", p)}");
        Assert.Equal(["doomed 1", "kept 1", "kept 2"], payloads.Order());
        var left = await PollAsync(ConnectionsAsync, c => c.Count == 1, c => $"1 connection left; {c.Count}");
        Assert.Equal(kept.PeerName(), left[0].Peer);
        Assert.False(kept.IsClosedByServer());
    }

    [Fact]
    public async Task Delete_of_an_id_that_is_not_open_answers_404()
    {
        await StartAsync();
        using var peer = await ConnectAsync();
        await PollAsync(ConnectionsAsync, c => c.Count == 1, c => $"1 connection; {c.Count}");

        using var response = await Http.DeleteAsync("/api/connections/987654321");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync(AdminJsonContext.Default.ErrorResponse);
        Assert.Contains("987654321", error!.Error);
        Assert.False(peer.IsClosedByServer());
        Assert.Single(await ConnectionsAsync());
    }

    [Fact]
    public async Task With_an_admin_token_the_api_requires_it_while_metrics_and_health_stay_open()
    {
        const string token = "t0ken-for-the-spec";
        await StartAsync(adminToken: token);
        using var peer = await ConnectAsync();
        await PollAsync(() => Task.FromResult(Service.Status.ConnectionCount), n => n == 1, n => $"1 connection; {n}");
        var id = Service.Status.Connections[0].Id;

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/sources"), (HttpMethod.Get, "/api/connections"), (HttpMethod.Get, "/api/sinks"),
                     (HttpMethod.Delete, $"/api/connections/{id}") })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(method, path, authorization: null));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(method, path, new AuthenticationHeaderValue("Bearer", "wrong")));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(method, path, new AuthenticationHeaderValue("Basic", token)));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOf(method, $"{path}?token={token}", authorization: null));
        }
        // The refused DELETE closed nothing.
        Assert.False(peer.IsClosedByServer());
        Assert.Equal(1, Service.Status.ConnectionCount);

        var bearer = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, await StatusOf(HttpMethod.Get, "/api/sources", bearer));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(HttpMethod.Get, "/api/connections", bearer));
        Assert.Equal(HttpStatusCode.Accepted, await StatusOf(HttpMethod.Delete, $"/api/connections/{id}", bearer));
        await peer.AwaitClosedByServerAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, await StatusOf(HttpMethod.Get, "/metrics", authorization: null));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(HttpMethod.Get, "/health/live", authorization: null));
        Assert.Equal(HttpStatusCode.OK, await StatusOf(HttpMethod.Get, "/health/ready", authorization: null));
    }

    private async Task<IReadOnlyList<ConnectionView>> ConnectionsAsync() =>
        (await Http.GetFromJsonAsync("/api/connections", AdminJsonContext.Default.ConnectionsResponse))!.Connections;

    private async Task<HttpStatusCode> StatusOf(HttpMethod method, string path, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = authorization;
        using var response = await Http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized) Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        return response.StatusCode;
    }
}
