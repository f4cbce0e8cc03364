using System.Net.Sockets;
using ActorNet.IntegrationTests.Http;
using Xunit;

namespace ActorNet.IntegrationTests.Metrics;

/// <summary>/metrics beyond the ActorNet meter: the .NET runtime's series, the process series, and source and sink states.</summary>
public sealed class RuntimeSeriesSpec : HttpTestKit
{
    [Fact]
    public async Task The_runtime_and_process_series_are_scraped_with_sane_values()
    {
        await StartAsync();
        using var peer = await ConnectAsync();
        await peer.SendAsync("one\n"u8.ToArray(), SocketFlags.None);
        await AwaitSourceMetricAsync("actornet_frames_received_total", 1);
        var before = await ScrapeAsync();
        // This test runs in the process it scrapes: a collection it forces must show in the next scrape.
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);

        var scrape = await ScrapeAsync();

        Assert.Equal("counter", scrape.Types.GetValueOrDefault("dotnet_gc_collections_total"));
        // Each series counts the collections of exactly its generation, and the GC may escalate a gen0 request: the sum grows.
        Assert.Equal(["gen0", "gen1", "gen2"], scrape.Samples.Where(s => s.Name == "dotnet_gc_collections_total")
            .Select(s => s.Labels["gc_heap_generation"]).Order(StringComparer.Ordinal));
        Assert.True(Collections(scrape) > Collections(before), $"{Collections(before)} then {Collections(scrape)} collections:\n{scrape.Text}");
        Assert.True(scrape.Value("dotnet_gc_heap_total_allocated_bytes_total") > 0, scrape.Text);
        Assert.True(scrape.Value("dotnet_process_memory_working_set_bytes") > 0, scrape.Text);
        Assert.True(scrape.Value("dotnet_process_cpu_time_seconds_total", ("cpu_mode", "user")) > 0, scrape.Text);
        Assert.True(scrape.Value("dotnet_thread_pool_thread_count") >= 1, scrape.Text);
        Assert.NotNull(scrape.Value("dotnet_thread_pool_queue_length"));
        Assert.True(scrape.Samples.Where(s => s.Name == "dotnet_gc_last_collection_heap_size_bytes").Sum(s => s.Value) > 0, scrape.Text);

        if (!OperatingSystem.IsLinux()) return; // the process series come from /proc, which only Linux has
        Assert.Equal("counter", scrape.Types.GetValueOrDefault("process_cpu_seconds_total"));
        Assert.True(scrape.Value("process_cpu_seconds_total") > 0, scrape.Text);
        var resident = scrape.Value("process_resident_memory_bytes");
        Assert.True(resident > 1024 * 1024, scrape.Text);
        Assert.True(scrape.Value("process_virtual_memory_bytes") >= resident, scrape.Text);
        // This process holds at least the listener, the peer, its accepted end and the HTTP server's socket.
        var open = scrape.Value("process_open_fds");
        Assert.True(open >= 4 && open <= scrape.Value("process_max_fds"), scrape.Text);
        var started = DateTimeOffset.FromUnixTimeMilliseconds((long)(scrape.Value("process_start_time_seconds")!.Value * 1000));
        var actual = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        Assert.InRange(started, actual.AddSeconds(-2), actual.AddSeconds(2));
    }

    private static double Collections(PrometheusScrape scrape) =>
        scrape.Samples.Where(s => s.Name == "dotnet_gc_collections_total").Sum(s => s.Value);

    [Fact]
    public async Task Source_and_sink_states_are_one_series_per_state_with_one_set()
    {
        await StartAsync(sinks: ($"sinks = [ {DataSink} ], quarantine = {QuarantineSink}",
            $"{DataSink} {{ type = failing, probe-interval = 100ms }}\n{QuarantineSink} {{ type = recording-quarantine }}"));
        using var peer = await ConnectAsync();
        await peer.SendAsync("never stored\n"u8.ToArray(), SocketFlags.None);

        var scrape = await PollAsync(ScrapeAsync, s => s.Value("actornet_sink_state", ("sink", DataSink), ("state", "failing")) == 1,
            s => $"{DataSink} failing; scraped:\n{s.Text}");

        Assert.Equal(0, scrape.Value("actornet_sink_state", ("sink", DataSink), ("state", "writing")));
        Assert.Equal(1, scrape.WithLabel("sink", DataSink).Where(s => s.Name == "actornet_sink_state").Sum(s => s.Value));
        Assert.Equal(4, scrape.WithLabel("sink", DataSink).Count(s => s.Name == "actornet_sink_state"));
        Assert.Equal(1, scrape.Value("actornet_sink_state", ("sink", QuarantineSink), ("state", "writing")));
        Assert.Equal(0, scrape.Value("actornet_sink_spool_bytes", ("sink", DataSink)));
        Assert.Equal(1, scrape.Value("actornet_source_state", ("source", SourceName), ("state", "listening")));
        Assert.Equal(1, scrape.WithLabel("source", SourceName).Where(s => s.Name == "actornet_source_state").Sum(s => s.Value));
    }
}
