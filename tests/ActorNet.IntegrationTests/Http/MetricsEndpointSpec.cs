using System.Net.Http.Json;
using ActorNet.Http.Admin;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Akka.Actor;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>GET /metrics scraped while real peers send real bytes: the series equal the traffic.</summary>
public sealed class MetricsEndpointSpec : HttpTestKit
{
    [Fact]
    public async Task Frames_bytes_connections_and_quarantined_frames_equal_what_the_peers_sent()
    {
        await StartAsync("max-connections = 2");
        byte[] alpha = [.. "alpha 1\nalpha 2\n"u8, 0xFF, 0xFE, (byte)'\n'];
        var beta = "beta 1\nbeta 2\nbeta 3\n"u8.ToArray();
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        await a.SendAsync(alpha, SocketFlags.None);
        await b.SendAsync(beta, SocketFlags.None);
        // A third peer is one past max-connections: refused and closed.
        using (var refused = await ConnectAsync()) await refused.AwaitClosedByServerAsync(Bound);

        // Sinks write last: once both have written everything, every counter before them is final.
        var scrape = await PollAsync(ScrapeAsync,
            s => s.Value("actornet_sink_frames_written_total", ("sink", DataSink)) == 5
                 && s.Value("actornet_sink_frames_written_total", ("sink", QuarantineSink)) == 1
                 && s.Value("actornet_inflight_frames", ("source", SourceName)) == 0,
            s => $"5 frames written to {DataSink}, 1 to {QuarantineSink}, none in flight; scraped:\n{s.Text}");

        Assert.Equal(6, scrape.Value("actornet_frames_received_total", ("source", SourceName)));
        Assert.Equal(alpha.Length + beta.Length, scrape.Value("actornet_bytes_received_total", ("source", SourceName)));
        Assert.Equal(2, scrape.Value("actornet_connections_accepted_total", ("source", SourceName)));
        Assert.Equal(2, scrape.Value("actornet_connections_active", ("source", SourceName)));
        Assert.Equal(1, scrape.Value("actornet_connections_rejected_total", ("source", SourceName), ("reason", "max-connections")));
        Assert.Equal(1, scrape.Value("actornet_frames_quarantined_total", ("source", SourceName), ("reason", "invalid-utf8")));
        Assert.Null(scrape.Value("actornet_connection_restarts_total", ("source", SourceName)));
        // Reported with the frames in flight: every batch acknowledged, no partial frame, no read waiting in a buffer.
        Assert.Equal(0, scrape.Value("actornet_inflight_bytes", ("source", SourceName)));
        Assert.True(scrape.Value("actornet_sink_write_seconds_count", ("sink", DataSink)) >= 1, scrape.Text);
        Assert.True(scrape.Value("actornet_sink_write_seconds_sum", ("sink", DataSink)) > 0, scrape.Text);

        // A peer that leaves is no longer active; the accepted total stays.
        a.Shutdown(SocketShutdown.Both);
        a.Close();
        scrape = await AwaitSourceMetricAsync("actornet_connections_active", 1);
        Assert.Equal(2, scrape.Value("actornet_connections_accepted_total", ("source", SourceName)));
    }

    [Fact]
    public async Task Gauges_count_the_connections_opened_before_an_embedding_program_started_the_server()
    {
        // ActorNetHttpServer.StartAsync(service, settings) after ActorNet has started, as an embedding program may
        // call it: the gauges still start from zero, not from the server's start.
        StartActorNet();
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        using var c = await ConnectAsync();
        await a.SendAsync("before the server\n"u8.ToArray(), SocketFlags.None);
        await PollAsync(() => Task.FromResult(Service.Status.ConnectionCount), n => n == 3, n => $"3 connections; {n}");
        await PollAsync(() => Task.FromResult(Data.Count), n => n == 1, n => $"1 frame stored; {n}");

        await StartServerAsync();

        var scrape = await AwaitSourceMetricAsync("actornet_connections_active", 3);
        Assert.Equal(0, scrape.Value("actornet_inflight_frames", ("source", SourceName)));
        a.Shutdown(SocketShutdown.Both);
        a.Close();
        await AwaitSourceMetricAsync("actornet_connections_active", 2);
    }

    [Fact]
    public async Task A_restarted_connection_and_an_oversize_frame_are_counted_once_each()
    {
        await StartAsync("framing { type = delimiter, delimiter = \"\\n\", max-frame-length = 16 }\nrestart.backoff = 10ms");
        using var peer = await ConnectAsync();
        await peer.SendAsync("first\n"u8.ToArray(), SocketFlags.None);
        await AwaitSourceMetricAsync("actornet_frames_received_total", 1);
        var before = (await ScrapeAsync()).Value("actornet_actor_restarts_total", ("kind", "connection")) ?? 0;

        var connection = await Sys.ActorSelection($"/user/actornet/source-{SourceName}/connection-*").ResolveOne(Bound);
        connection.Tell(Kill.Instance);
        await AwaitSourceMetricAsync("actornet_connection_restarts_total", 1);

        await peer.SendAsync("a line far longer than sixteen bytes\nlast\n"u8.ToArray(), SocketFlags.None);
        var scrape = await AwaitSourceMetricAsync("actornet_frames_quarantined_total", 1, ("reason", "frame-too-long"));

        Assert.Equal(["first", "last"], await PollAsync(() => Task.FromResult(Data.Select(r => r.Payload ?? "").ToArray()), p => p.Length == 2,
            p => $"2 records; seen {string.Join(", ", p)}"));
        Assert.Equal(1, scrape.Value("actornet_connection_restarts_total", ("source", SourceName)));
        Assert.Equal(1, scrape.Value("actornet_connections_accepted_total", ("source", SourceName)));
        // Per actor kind the series are process-wide (other tests restart connections too): at least this one more.
        Assert.True(scrape.Value("actornet_actor_restarts_total", ("kind", "connection")) >= before + 1, scrape.Text);
        Assert.True(peer.Connected && !peer.IsClosedByServer(), "the restarted connection keeps its peer");
        var source = Assert.Single((await Http.GetFromJsonAsync("/api/sources", AdminJsonContext.Default.SourcesResponse))!.Sources);
        Assert.Equal(1, source.Restarts);
    }

    [Fact]
    public async Task Every_contract_metric_is_exported_with_its_type_and_no_label_is_per_connection()
    {
        await StartAsync();
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        await a.SendAsync("one\n"u8.ToArray(), SocketFlags.None);
        await b.SendAsync("two\n"u8.ToArray(), SocketFlags.None);
        var scrape = await AwaitSourceMetricAsync("actornet_frames_received_total", 2);

        var expected = new Dictionary<string, string>
        {
            ["actornet_connections_active"] = "gauge",
            ["actornet_connections_accepted_total"] = "counter",
            ["actornet_connections_rejected_total"] = "counter",
            ["actornet_frames_received_total"] = "counter",
            ["actornet_bytes_received_total"] = "counter",
            ["actornet_frames_quarantined_total"] = "counter",
            ["actornet_connection_restarts_total"] = "counter",
            ["actornet_reconnects_total"] = "counter",
            ["actornet_sink_frames_written_total"] = "counter",
            ["actornet_sink_write_seconds"] = "histogram",
            ["actornet_sink_backlog_frames"] = "gauge",
            ["actornet_inflight_frames"] = "gauge",
            ["actornet_actors_live"] = "gauge",
            ["actornet_actor_restarts_total"] = "counter",
            ["actornet_actor_mailbox_depth"] = "gauge",
            ["actornet_inflight_bytes"] = "gauge",
            ["actornet_inflight_bytes_limit"] = "gauge",
            ["actornet_buffered_bytes"] = "gauge",
            ["actornet_buffered_bytes_limit"] = "gauge",
            ["actornet_sink_state"] = "gauge",
            ["actornet_sink_spool_bytes"] = "gauge",
            ["actornet_source_state"] = "gauge",
        };
        foreach (var (name, type) in expected)
            Assert.True(scrape.Types.GetValueOrDefault(name) == type, $"# TYPE {name} {type} is missing:\n{scrape.Text}");
        Assert.True(scrape.Value("actornet_actors_live", ("kind", "connection")) >= 2, scrape.Text);
        Assert.NotNull(scrape.Value("actornet_actor_mailbox_depth", ("kind", "connection")));
        // Both budgets: per connection by source, and the process's (summed over the ActorNet instances of this test process).
        Assert.Equal(Service.Settings.Sources[0].MaxInflightBytes, scrape.Value("actornet_inflight_bytes_limit", ("source", SourceName)));
        Assert.True(scrape.Value("actornet_buffered_bytes_limit") >= Service.Settings.MaxBufferedBytes, scrape.Text);

        // Labels name sources, sinks, reasons, actor kinds, states, histogram buckets and reload results (once a test
        // in this process has reloaded): never a connection id or a peer.
        var allowed = new[] { "source", "sink", "reason", "kind", "state", "le", "result" };
        var peers = new[] { a.PeerName(), b.PeerName() };
        var ids = Service.Status.Connections.Select(c => c.Id.ToString()).ToArray();
        Assert.Equal(2, ids.Length);
        foreach (var sample in scrape.Samples.Where(s => s.Name.StartsWith("actornet_", StringComparison.Ordinal)))
        {
            Assert.All(sample.Labels.Keys, key => Assert.Contains(key, allowed));
            Assert.DoesNotContain(sample.Labels.Values, value => peers.Contains(value) || (sample.Labels.ContainsKey("source") && ids.Contains(value)));
        }
    }
}
