using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using ActorNet.IntegrationTests.Hosting;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary><c>POST /api/reload</c> over a real operations server: the admin token, the answers, and the reload counter.</summary>
public sealed class ReloadApiSpec : ReloadTestKit
{
    private const string Token = "reload-s3cret";
    private const string HttpKeys = $"http {{ enabled = on, port = 0, admin-token = \"{Token}\" }}";

    private readonly int _port = Loopback.FreePort();
    private readonly int _addedPort = Loopback.FreePort();

    private string OneSource() => Config([Source("main", _port, "file")], [Sink("file"), Sink("rejects")], HttpKeys);

    private string TwoSources(string top = HttpKeys) =>
        Config([Source("main", _port, "file"), Source("added", _addedPort, "file")], [Sink("file"), Sink("rejects")], top);

    private Task<HttpResponseMessage> PostReloadAsync(string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reload");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Http.SendAsync(request);
    }

    [Fact]
    public async Task Without_the_admin_token_it_is_401_and_reloads_nothing_and_with_it_it_reloads_and_says_what_changed()
    {
        Start(OneSource());
        await StartServerAsync();
        Rewrite(ConfigFile, TwoSources(top: HttpKeys.Replace("port = 0", "port = 18081")));

        using (var refused = await PostReloadAsync(token: null))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var wrong = await PostReloadAsync(token: "not-it"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Null(Service.Status.Source(Named("added")));

        using var response = await PostReloadAsync();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["applied", "sources", "sinks", "needsRestart"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(json.RootElement.GetProperty("applied").GetBoolean());
        var sources = json.RootElement.GetProperty("sources");
        Assert.Equal(["added", "removed", "restarted", "unchanged"], sources.EnumerateObject().Select(p => p.Name));
        Assert.Equal([Named("added")], Names(sources, "added"));
        Assert.Equal([Named("main")], Names(sources, "unchanged"));
        Assert.Empty(Names(sources, "removed").Concat(Names(sources, "restarted")));
        Assert.Equal([Named("file"), Named("rejects")], Names(json.RootElement.GetProperty("sinks"), "unchanged"));
        Assert.Equal(["actornet.http.port"], json.RootElement.GetProperty("needsRestart").EnumerateArray().Select(e => e.GetString()));

        using var peer = await Loopback.ConnectAsync(_addedPort);
        await peer.SendAsync("hello\n"u8.ToArray(), SocketFlags.None);
        await AwaitReadAsync("added", 1);
    }

    [Fact]
    public async Task A_post_from_a_page_of_another_origin_is_403_and_reloads_nothing()
    {
        Start(OneSource());
        await StartServerAsync();
        Rewrite(ConfigFile, TwoSources());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reload");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        request.Headers.Add("Origin", "https://elsewhere.example");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Service.Status.Source(Named("added")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.GetProperty("applied").GetBoolean());
    }

    [Fact]
    public async Task An_invalid_file_is_400_with_the_errors_and_the_running_configuration_stays()
    {
        Start(OneSource());
        await StartServerAsync();
        var running = Service.Settings;
        Rewrite(ConfigFile, TwoSources().Replace("port = " + _addedPort, "port = 99999"));

        using var response = await PostReloadAsync();

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["applied", "errors"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.False(json.RootElement.GetProperty("applied").GetBoolean());
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray()).GetString()!;
        Assert.Contains($"actornet.sources.{Named("added")}.port", error, StringComparison.Ordinal);
        Assert.Contains("99999", error, StringComparison.Ordinal);
        Assert.Same(running, Service.Settings);
        Assert.Null(Service.Status.Source(Named("added")));
    }

    [Fact]
    public async Task A_reload_asked_for_while_one_runs_is_refused_with_409_and_the_first_one_completes()
    {
        // The doomed source acknowledges peers and its sink commits hourly: its drain waits the whole final-wait.
        var doomedPort = Loopback.FreePort();
        Start(Config(
            [Source("main", _port, "file"), Source("doomed", doomedPort, "slow", "ack { enabled = on, final-wait = 3s }")],
            [Sink("file"), Sink("slow", "flush-interval = 1h"), Sink("rejects")], HttpKeys));
        await StartServerAsync();
        using var peer = await Loopback.ConnectAsync(doomedPort);
        await peer.SendAsync("one\ntwo\n"u8.ToArray(), SocketFlags.None);
        await AwaitReadAsync("doomed", 2);
        var doomed = Service.Status.Source(Named("doomed"))!;
        Rewrite(ConfigFile, OneSource());

        var first = PostReloadAsync();
        await Eventually.TrueAsync(() => doomed.State == SourceStates.Draining, Bound, () => $"the doomed source drains; state {doomed.State}");
        using (var second = await PostReloadAsync())
        {
            var body = await second.Content.ReadAsStringAsync();
            Assert.True(second.StatusCode == HttpStatusCode.Conflict, body);
            using var json = JsonDocument.Parse(body);
            Assert.False(json.RootElement.GetProperty("applied").GetBoolean());
            Assert.Contains("another reload is under way", json.RootElement.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        }

        using var done = await first.WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Null(Service.Status.Source(Named("doomed")));
        // Closed only after its drain: what it read is in the sink, which the drain flushed on its way out.
        Assert.Equal(2, JsonlRecords.Count(FileOf("slow")));
    }

    [Fact]
    public async Task Without_a_configuration_file_it_is_409_saying_there_is_nothing_to_read_again()
    {
        Start(OneSource(), reloadable: false);
        await StartServerAsync();

        using var response = await PostReloadAsync();

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, body);
        using var json = JsonDocument.Parse(body);
        Assert.False(json.RootElement.GetProperty("applied").GetBoolean());
        Assert.Contains("no --config", json.RootElement.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_reload_is_counted_by_result_in_metrics()
    {
        Start(OneSource());
        await StartServerAsync();
        var before = await ReloadsAsync();

        Rewrite(ConfigFile, TwoSources());
        using (var applied = await PostReloadAsync()) Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Rewrite(ConfigFile, "actornet { sources { } }");
        using (var rejected = await PostReloadAsync()) Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);

        var after = await ReloadsAsync();
        // The meter is process-wide and other tests reload too: at least this test's reloads.
        Assert.True(after.Applied >= before.Applied + 1, $"applied {before.Applied} -> {after.Applied}");
        Assert.True(after.Rejected >= before.Rejected + 1, $"rejected {before.Rejected} -> {after.Rejected}");
    }

    private async Task<(double Applied, double Rejected)> ReloadsAsync()
    {
        var scrape = PrometheusScrape.Parse(await Http.GetStringAsync("/metrics"));
        return (scrape.Value("actornet_config_reloads_total", ("result", "applied")) ?? 0,
            scrape.Value("actornet_config_reloads_total", ("result", "rejected")) ?? 0);
    }

    private static IEnumerable<string?> Names(JsonElement set, string property) => set.GetProperty(property).EnumerateArray().Select(e => e.GetString());
}
