using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;
using System.Text.Json;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Postgres;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// /health/live and /health/ready as an orchestrator polls them. The PostgreSQL server is this class's own: it
/// is stopped mid-test, which would fail specs sharing it.
/// </summary>
public sealed class HealthSpec : HttpTestKit, IClassFixture<PostgresServer>
{
    private readonly PostgresServer _postgres;

    public HealthSpec(PostgresServer postgres) => _postgres = postgres;

    [PostgresFact]
    public async Task Ready_answers_503_naming_the_sink_while_its_database_is_down_and_200_once_it_is_back()
    {
        var table = PostgresServer.UniqueTable("health");
        // Probing every 100 ms: an idle sink notices the outage (and the recovery) without waiting for traffic.
        await StartAsync(sinks: ($"sinks = [ {DataSink} ], quarantine = {DataSink}",
            $"{DataSink} {{ type = postgres, connection-string = \"{_postgres.ConnectionString}\", table = {table}, probe-interval = 100ms }}"));
        using var peer = await ConnectAsync();
        await peer.SendAsync("before the outage\n"u8.ToArray(), SocketFlags.None);
        await PollAsync(() => Task.FromResult(_postgres.Count(table)), n => n == 1, n => $"1 row in {table}; {n}");
        var ready = await ReadyAsync();
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);
        Assert.Equal("healthy", ready.Json.GetProperty("status").GetString());

        _postgres.Stop();
        await peer.SendAsync("during the outage\n"u8.ToArray(), SocketFlags.None);
        var down = await PollAsync(ReadyAsync, r => r.Status == HttpStatusCode.ServiceUnavailable, r => $"503 while PostgreSQL is down; {r.Status} {r.Body}");

        Assert.Equal("unhealthy", down.Json.GetProperty("status").GetString());
        var sinks = Check(down, "sinks");
        Assert.Equal("unhealthy", sinks.GetProperty("status").GetString());
        Assert.Contains(DataSink, sinks.GetProperty("description").GetString());
        // The state only: Npgsql's message names the server, the user and the database, and /health needs no token.
        Assert.Equal("failing", sinks.GetProperty("notReady").GetProperty(DataSink).GetString());
        Assert.Equal("healthy", Check(down, "listeners").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health/live")).StatusCode);

        _postgres.Start();
        var back = await PollAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK, r => $"200 once PostgreSQL is back; {r.Status} {r.Body}");
        Assert.Equal("healthy", Check(back, "sinks").GetProperty("status").GetString());
        // The frame that arrived during the outage was held, and is stored now.
        await PollAsync(() => Task.FromResult(_postgres.Count(table)), n => n == 2, n => $"2 rows in {table}; {n}");
    }

    [Fact]
    public async Task Ready_names_a_sink_that_cannot_write_and_its_state_but_not_its_error_which_only_the_admin_api_shows()
    {
        await StartAsync(sinks: ($"sinks = [ {DataSink} ], quarantine = {DataSink}", $"{DataSink} {{ type = failing, probe-interval = 100ms }}"));
        using var peer = await ConnectAsync();
        await peer.SendAsync("never stored\n"u8.ToArray(), SocketFlags.None);

        var down = await PollAsync(ReadyAsync, r => r.Status == HttpStatusCode.ServiceUnavailable, r => $"503 while the sink fails; {r.Status} {r.Body}");

        Assert.Equal("failing", Check(down, "sinks").GetProperty("notReady").GetProperty(DataSink).GetString());
        Assert.DoesNotContain("db.internal", down.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("actornet_writer", down.Body, StringComparison.Ordinal);
        var sink = (await Http.GetFromJsonAsync("/api/sinks", AdminJsonContext.Default.SinksResponse))!.Sinks.Single(s => s.Name == DataSink);
        Assert.Equal(("failing", FailingSink.Error), (sink.State, sink.LastError));
    }

    [Fact]
    public async Task Live_stays_200_while_ready_names_the_listener_that_stopped_in_a_drain()
    {
        await StartAsync();
        var ready = await ReadyAsync();
        Assert.True(ready.Status == HttpStatusCode.OK, ready.Body);
        Assert.Equal("healthy", Check(ready, "listeners").GetProperty("status").GetString());
        Assert.Equal("healthy", Check(ready, "sinks").GetProperty("status").GetString());

        await Service.DrainAsync(Bound);

        var drained = await PollAsync(ReadyAsync, r => r.Status == HttpStatusCode.ServiceUnavailable, r => $"503 after the drain; {r.Status} {r.Body}");
        var listeners = Check(drained, "listeners");
        Assert.Equal("unhealthy", listeners.GetProperty("status").GetString());
        Assert.True(listeners.GetProperty("notReady").TryGetProperty(SourceName, out var state), drained.Body);
        Assert.NotEqual("listening", state.GetString());
        using var live = await Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("healthy", JsonDocument.Parse(await live.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_counts_udp_sources_as_listeners_and_file_sources_as_their_own_check_and_names_them_once_drained()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("app.log"), "a line\n");
        var udp = $"udp-{SourceName}";
        var file = $"file-{SourceName}";
        await StartAsync(moreSources: $$"""
            {{udp}} { type = udp, host = 127.0.0.1, port = {{Loopback.FreePort()}}, framing { type = raw }, sinks = [ {{DataSink}} ], quarantine = {{QuarantineSink}} }
            {{file}} { type = file, path = "{{directory.File("*.log")}}", checkpoint-dir = "{{directory.File("checkpoints")}}", sinks = [ {{DataSink}} ], quarantine = {{QuarantineSink}} }
            """);

        var ready = await PollAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK, r => $"200 once every source runs; {r.Status} {r.Body}");
        Assert.Equal("2 listener(s) bound", Check(ready, "listeners").GetProperty("description").GetString());
        Assert.Equal("1 file source(s) following", Check(ready, "files").GetProperty("description").GetString());

        await Service.DrainAsync(Bound);

        var drained = await PollAsync(ReadyAsync, r => r.Status == HttpStatusCode.ServiceUnavailable, r => $"503 after the drain; {r.Status} {r.Body}");
        Assert.True(Check(drained, "listeners").GetProperty("notReady").TryGetProperty(udp, out _), drained.Body);
        Assert.True(Check(drained, "files").GetProperty("notReady").TryGetProperty(file, out _), drained.Body);
    }

    private async Task<HealthAnswer> ReadyAsync()
    {
        using var response = await Http.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return new HealthAnswer(response.StatusCode, body, JsonDocument.Parse(body).RootElement.Clone());
    }

    private static JsonElement Check(HealthAnswer answer, string name) =>
        answer.Json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private sealed record HealthAnswer(HttpStatusCode Status, string Body, JsonElement Json);
}
