using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>/ws/tail, /api/history and the page against the real operations server, with frames sent over TCP.</summary>
public sealed class LiveTailWebSocketSpec
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Frames_and_a_quarantined_frame_sent_over_tcp_arrive_on_the_websocket_as_records()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("tail");
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(source, port, directory));
        await using var tail = await TailClient.ConnectAsync(host.WebSocket("/ws/tail"));

        using var peer = await Loopback.ConnectAsync(port);
        await peer.SendAsync((byte[])[.. "alpha\nbeta\n"u8, 0xFF, 0xFE, .. "\ngamma\n"u8], SocketFlags.None);

        var frames = await tail.WaitForAsync(m => TailClient.Kind(m) == "frame", 3, "frame records");
        var quarantined = await tail.WaitForAsync(m => TailClient.Kind(m) == "quarantined", 1, "quarantined records");

        Assert.Equal(["alpha", "beta", "gamma"], frames.Select(f => f.GetProperty("payload").GetString()));
        Assert.Equal([1L, 2L, 4L], frames.Select(f => f.GetProperty("seq").GetInt64()));
        Assert.All(frames, f =>
        {
            Assert.Equal("live", f.GetProperty("sink").GetString());
            Assert.Equal(source, f.GetProperty("source").GetString());
            Assert.Equal(peer.PeerName(), f.GetProperty("peer").GetString());
        });
        var bad = Assert.Single(quarantined);
        Assert.Equal(3, bad.GetProperty("seq").GetInt64());
        Assert.Equal("invalid-utf8", bad.GetProperty("reason").GetString());
        Assert.Equal("//4=", bad.GetProperty("raw").GetString());
        Assert.Equal(2, bad.GetProperty("rawLength").GetInt64());
        Assert.Equal(0, tail.OfKind("stats")[^1].GetProperty("dropped").GetInt64());
    }

    [Fact]
    public async Task With_an_admin_token_the_tail_and_the_history_require_it()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("tail-token");
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(source, port, directory, token: DashboardHost.Token));
        using var http = new HttpClient();

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(host.WebSocket("/ws/tail")));
        Assert.Contains("401", refused.Message);
        await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(host.WebSocket("/ws/tail?token=wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(host.Http("/api/history"))).StatusCode);

        await using (var byQuery = await TailClient.ConnectAsync(host.WebSocket($"/ws/tail?token={DashboardHost.Token}")))
            Assert.Equal(["live"], byQuery.OfKind("stats")[0].GetProperty("sinks").EnumerateArray().Select(s => s.GetString()));
        await using (var byHeader = await TailClient.ConnectAsync(host.WebSocket("/ws/tail"), bearer: DashboardHost.Token))
            Assert.NotEmpty(byHeader.OfKind("stats"));
        using var request = new HttpRequestMessage(HttpMethod.Get, host.Http("/api/history"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DashboardHost.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

        // The page itself holds no data and loads without the token (it asks for it when the API answers 401).
        var page = await http.GetStringAsync(host.Http("/"));
        Assert.Contains("id=\"tail-frames\"", page);
    }

    [Fact]
    public async Task A_sink_that_is_not_a_websocket_sink_cannot_be_watched_nor_the_tail_read_without_a_websocket()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(TestConfig.UniqueSourceName("tail-sink"), port, directory));
        using var http = new HttpClient();

        using var plain = await http.GetAsync(host.Http("/ws/tail"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("expects a WebSocket upgrade", await plain.Content.ReadAsStringAsync());

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(host.WebSocket("/ws/tail?sink=file")));
        Assert.Contains("404", refused.Message);
        await using var live = await TailClient.ConnectAsync(host.WebSocket("/ws/tail?sink=live"));
        Assert.NotEmpty(live.OfKind("stats"));
    }

    [Fact]
    public async Task A_source_filter_sends_only_that_sources_records_and_an_unknown_source_is_refused()
    {
        using var directory = new TempDirectory();
        var wanted = TestConfig.UniqueSourceName("tail-wanted");
        var other = TestConfig.UniqueSourceName("tail-other");
        var wantedPort = Loopback.FreePort();
        var otherPort = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(wanted, wantedPort, directory) + $$"""

            actornet.sources.{{other}} { port = {{otherPort}}, framing { type = delimiter, delimiter = "\n" }, parser = text, sinks = [ live ] }
            """);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TailClient.ConnectAsync(host.WebSocket("/ws/tail?source=nowhere")));
        Assert.Contains("404", refused.Message);

        await using var filtered = await TailClient.ConnectAsync(host.WebSocket($"/ws/tail?source={wanted}"));
        await using var all = await TailClient.ConnectAsync(host.WebSocket("/ws/tail"));
        using var otherPeer = await Loopback.ConnectAsync(otherPort);
        using var wantedPeer = await Loopback.ConnectAsync(wantedPort);
        await otherPeer.SendAsync("o1\no2\no3\n"u8.ToArray(), SocketFlags.None);
        // Published by then: had the filter let them through, they would reach it before the record sent next.
        await all.WaitForAsync(m => TailClient.Kind(m) == "frame" && m.GetProperty("source").GetString() == other, 3, "the other source's records");
        await wantedPeer.SendAsync("w1\n"u8.ToArray(), SocketFlags.None);

        await filtered.WaitForAsync(m => TailClient.Kind(m) == "frame", 1, "the wanted source's record");
        var frames = filtered.OfKind("frame");
        Assert.Equal(["w1"], frames.Select(f => f.GetProperty("payload").GetString()));
        Assert.Equal(wanted, frames[0].GetProperty("source").GetString());
        Assert.Equal(0, filtered.OfKind("stats")[^1].GetProperty("dropped").GetInt64());
    }

    [Fact]
    public async Task The_history_shows_frames_per_second_of_each_source()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("history");
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(source, port, directory));
        using var http = new HttpClient();
        using var peer = await Loopback.ConnectAsync(port);

        // Frames keep arriving until a sample has counted some: the sampler ticks every second on its own clock.
        var deadline = DateTime.UtcNow + Within;
        JsonElement history;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"no sample of {source} with frames/s > 0 within {Within}");
            await peer.SendAsync("tick\n"u8.ToArray(), SocketFlags.None);
            using var document = JsonDocument.Parse(await http.GetStringAsync(host.Http("/api/history")));
            history = document.RootElement.Clone();
            await Task.Delay(TimeSpan.FromMilliseconds(100)); // the poll interval, not a wait for the sampler
        }
        while (!Samples(history, source).Any(s => s[1] > 0));

        Assert.Equal(1000, history.GetProperty("intervalMs").GetDouble());
        Assert.Equal(300, history.GetProperty("capacity").GetInt32());
        var times = Samples(history, source).Select(s => s[0]).ToArray();
        Assert.Equal(times.Order(), times);
        Assert.All(times, t => Assert.InRange(t, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task The_page_and_its_script_are_served_from_the_assembly()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        await using var host = await DashboardHost.StartAsync(DashboardHost.Config(TestConfig.UniqueSourceName("page"), port, directory));
        using var http = new HttpClient();

        using var page = await http.GetAsync(host.Http("/"));
        using var script = await http.GetAsync(host.Http("/dashboard.js"));
        using var style = await http.GetAsync(host.Http("/dashboard.css"));

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"/dashboard.js\">", await page.Content.ReadAsStringAsync());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/ws/tail", await script.Content.ReadAsStringAsync());
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<double[]> Samples(JsonElement history, string source) =>
        history.GetProperty("sources").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == source)
            .SelectMany(s => s.GetProperty("samples").EnumerateArray())
            .Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray());
}
