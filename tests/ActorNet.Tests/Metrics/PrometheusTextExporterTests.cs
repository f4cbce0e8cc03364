using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorNet.Metrics;
using Xunit;

namespace ActorNet.Tests.Metrics;

// Each test owns a Meter with a unique name, so the process-wide ActorNet meter (and other tests) stay out of sight.
public sealed partial class PrometheusTextExporterTests : IDisposable
{
    private readonly Meter _meter = new($"ActorNet.Tests.Prometheus.{Guid.NewGuid():N}");
    private readonly PrometheusTextExporter _exporter;

    public PrometheusTextExporterTests() => _exporter = new PrometheusTextExporter(_meter.Name);

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Writes_one_total_line_per_tag_set_of_a_counter()
    {
        var counter = _meter.CreateCounter<long>("actornet.frames.received", "{frame}", "Frames cut");
        counter.Add(3, new KeyValuePair<string, object?>("source", "a"));
        counter.Add(5, new KeyValuePair<string, object?>("source", "b"));
        counter.Add(4, new KeyValuePair<string, object?>("source", "a"));

        Assert.Equal(
            [
                "# HELP actornet_frames_received_total Frames cut",
                "# TYPE actornet_frames_received_total counter",
                "actornet_frames_received_total{source=\"a\"} 7",
                "actornet_frames_received_total{source=\"b\"} 5",
            ],
            Lines(_exporter.Scrape()));
    }

    [Theory]
    [InlineData("actornet.frames.received", "{frame}", "actornet_frames_received_total")]
    [InlineData("actornet.bytes.received", "By", "actornet_bytes_received_total")]
    [InlineData("actornet.sent", "By", "actornet_sent_bytes_total")]
    [InlineData("actornet.requests_total", "{request}", "actornet_requests_total")]
    [InlineData("actornet.busy.time_total", "s", "actornet_busy_time_seconds_total")]
    [InlineData("actornet.idle.seconds", "s", "actornet_idle_seconds_total")]
    [InlineData("2xx-responses", null, "_2xx_responses_total")]
    public void Names_a_counter_by_the_prometheus_conventions(string name, string? unit, string expected)
    {
        _meter.CreateCounter<long>(name, unit).Add(1);

        Assert.Contains($"{expected} 1", Lines(_exporter.Scrape()));
    }

    [Theory]
    [InlineData("actornet.sink.write.duration", "s", "actornet_sink_write_duration_seconds")]
    [InlineData("actornet.sink.write.seconds", "s", "actornet_sink_write_seconds")]
    [InlineData("actornet.batch.size", "By", "actornet_batch_size_bytes")]
    [InlineData("actornet.batch.bytes", "By", "actornet_batch_bytes")]
    [InlineData("actornet.batch.frames", "{frame}", "actornet_batch_frames")]
    public void Names_a_histogram_after_its_unit(string name, string unit, string expected)
    {
        _meter.CreateHistogram<double>(name, unit).Record(1);

        var lines = Lines(_exporter.Scrape());
        Assert.Contains($"# TYPE {expected} histogram", lines);
        Assert.Contains($"{expected}_count 1", lines);
    }

    [Fact]
    public void Exports_an_up_down_counter_as_a_gauge_of_its_running_sum()
    {
        var active = _meter.CreateUpDownCounter<long>("actornet.connections.active", "{connection}", "Open connections");
        active.Add(5);
        active.Add(-2);
        active.Add(1);

        var lines = Lines(_exporter.Scrape());
        Assert.Contains("# TYPE actornet_connections_active gauge", lines);
        Assert.Contains("actornet_connections_active 4", lines);

        active.Add(-4);
        Assert.Contains("actornet_connections_active 0", Lines(_exporter.Scrape()));
    }

    [Fact]
    public void Samples_an_observable_gauge_at_each_scrape()
    {
        var depth = 3;
        var calls = 0;
        _meter.CreateObservableGauge("actornet.queue.depth", () =>
        {
            calls++;
            return new Measurement<int>(depth, new KeyValuePair<string, object?>("sink", "db"));
        });

        Assert.Contains("actornet_queue_depth{sink=\"db\"} 3", Lines(_exporter.Scrape()));
        depth = 8;
        var lines = Lines(_exporter.Scrape());

        Assert.Contains("# TYPE actornet_queue_depth gauge", lines);
        Assert.Contains("actornet_queue_depth{sink=\"db\"} 8", lines);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Exports_the_reported_value_of_an_observable_counter_without_adding_up_scrapes()
    {
        _meter.CreateObservableCounter("actornet.gc.collections", () => 10L);

        _exporter.Scrape();
        var lines = Lines(_exporter.Scrape());

        Assert.Contains("# TYPE actornet_gc_collections_total counter", lines);
        Assert.Contains("actornet_gc_collections_total 10", lines);
    }

    [Fact]
    public void Drops_a_series_that_an_observable_instrument_no_longer_reports()
    {
        var sinks = new List<string> { "db", "file" };
        _meter.CreateObservableUpDownCounter("actornet.sink.pending",
            () => sinks.Select(sink => new Measurement<long>(1, new KeyValuePair<string, object?>("sink", sink))));

        Assert.Contains("actornet_sink_pending{sink=\"file\"} 1", Lines(_exporter.Scrape()));
        sinks.Remove("file");
        var lines = Lines(_exporter.Scrape());

        Assert.Contains("actornet_sink_pending{sink=\"db\"} 1", lines);
        Assert.DoesNotContain(lines, line => line.Contains("file", StringComparison.Ordinal));
    }

    [Fact]
    public void Writes_cumulative_buckets_sum_and_count_of_a_histogram_in_seconds()
    {
        var duration = _meter.CreateHistogram<double>("actornet.sink.write.duration", "s", "Sink write time");
        var sink = new KeyValuePair<string, object?>("sink", "db");
        double[] values = [0.0004, 0.001, 0.3, 20];
        foreach (var value in values)
        {
            duration.Record(value, sink);
        }

        string[] bounds = ["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
        int[] cumulative = [1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4];
        var sum = values.Aggregate(0.0, (total, value) => total + value);
        Assert.Equal(
            [
                "# HELP actornet_sink_write_duration_seconds Sink write time",
                "# TYPE actornet_sink_write_duration_seconds histogram",
                .. bounds.Select((le, i) => $"actornet_sink_write_duration_seconds_bucket{{sink=\"db\",le=\"{le}\"}} {cumulative[i]}"),
                $"actornet_sink_write_duration_seconds_sum{{sink=\"db\"}} {sum.ToString("R", CultureInfo.InvariantCulture)}",
                "actornet_sink_write_duration_seconds_count{sink=\"db\"} 4",
            ],
            Lines(_exporter.Scrape()));
    }

    [Fact]
    public void Takes_histogram_buckets_from_the_instrument_advice_and_sums_integers_exactly()
    {
        var sizes = _meter.CreateHistogram("actornet.batch.frames", "{frame}", "Frames per batch",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [10, 100] });
        sizes.Record(5);
        sizes.Record(100);
        sizes.Record(long.MaxValue / 2);

        var lines = Lines(_exporter.Scrape());

        Assert.Equal(
            [
                "actornet_batch_frames_bucket{le=\"10\"} 1",
                "actornet_batch_frames_bucket{le=\"100\"} 2",
                "actornet_batch_frames_bucket{le=\"+Inf\"} 3",
                $"actornet_batch_frames_sum {105 + long.MaxValue / 2}",
                "actornet_batch_frames_count 3",
            ],
            lines.Where(line => !line.StartsWith('#')));
    }

    [Fact]
    public void Escapes_label_values_and_help_text_and_writes_a_null_tag_as_empty()
    {
        var counter = _meter.CreateCounter<long>("actornet.frames.quarantined", null, "Frames \\ quarantined\nby reason");
        counter.Add(1,
            new KeyValuePair<string, object?>("reason", "bad \"length\" \\ 7\nnext"),
            new KeyValuePair<string, object?>("source", null));

        var lines = Lines(_exporter.Scrape());

        Assert.Contains(@"# HELP actornet_frames_quarantined_total Frames \\ quarantined\nby reason", lines);
        Assert.Contains(@"actornet_frames_quarantined_total{reason=""bad \""length\"" \\ 7\nnext"",source=""""} 1", lines);
    }

    [Fact]
    public void Sorts_labels_by_name_and_counts_one_tag_set_whatever_the_order_of_its_tags()
    {
        var counter = _meter.CreateCounter<long>("actornet.sink.frames.written");
        var sink = new KeyValuePair<string, object?>("sink", "db");
        var source = new KeyValuePair<string, object?>("source", "sensors");
        var attempt = new KeyValuePair<string, object?>("attempt", 2);
        counter.Add(1, sink, source, attempt);
        counter.Add(2, attempt, source, sink);
        counter.Add(4, source, attempt, sink);

        Assert.Equal(
            ["actornet_sink_frames_written_total{attempt=\"2\",sink=\"db\",source=\"sensors\"} 7"],
            Lines(_exporter.Scrape()).Where(line => !line.StartsWith('#')));
    }

    [Fact]
    public void Writes_help_and_type_once_per_family_even_before_any_measurement()
    {
        var counter = _meter.CreateCounter<long>("actornet.reconnects", null, "Retries");
        var histogram = _meter.CreateHistogram<double>("actornet.connect.duration", "s", "Connect time");
        _meter.CreateCounter<long>("actornet.connection.restarts", null, "Restarts");
        foreach (var source in new[] { "a", "b", "c" })
        {
            counter.Add(1, new KeyValuePair<string, object?>("source", source));
            histogram.Record(0.01, new KeyValuePair<string, object?>("source", source));
        }

        var lines = Lines(_exporter.Scrape());

        foreach (var family in new[] { "actornet_reconnects_total", "actornet_connect_duration_seconds", "actornet_connection_restarts_total" })
        {
            Assert.Single(lines, line => line.StartsWith($"# HELP {family} ", StringComparison.Ordinal));
            Assert.Single(lines, line => line.StartsWith($"# TYPE {family} ", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, line => line.StartsWith("actornet_connection_restarts", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(line => line.StartsWith("actornet_reconnects_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Writes_numbers_in_invariant_round_trip_form_and_spells_infinities_and_nan_as_prometheus_does()
    {
        var gauge = _meter.CreateGauge<double>("actornet.ratio");
        var big = _meter.CreateCounter<long>("actornet.big");
        gauge.Record(0.1, new KeyValuePair<string, object?>("case", "tenth"));
        gauge.Record(1e-7, new KeyValuePair<string, object?>("case", "tiny"));
        gauge.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("case", "up"));
        gauge.Record(double.NegativeInfinity, new KeyValuePair<string, object?>("case", "down"));
        gauge.Record(double.NaN, new KeyValuePair<string, object?>("case", "nan"));
        big.Add(long.MaxValue);

        var lines = Lines(_exporter.Scrape());

        Assert.Contains("actornet_ratio{case=\"tenth\"} 0.1", lines);
        Assert.Contains("actornet_ratio{case=\"tiny\"} 1E-07", lines);
        Assert.Contains("actornet_ratio{case=\"up\"} +Inf", lines);
        Assert.Contains("actornet_ratio{case=\"down\"} -Inf", lines);
        Assert.Contains("actornet_ratio{case=\"nan\"} NaN", lines);
        Assert.Contains("actornet_big_total 9223372036854775807", lines);
    }

    [Fact]
    public void Ignores_a_negative_counter_increment()
    {
        var counter = _meter.CreateCounter<int>("actornet.socket.reads");
        counter.Add(3);
        counter.Add(-1);

        Assert.Contains("actornet_socket_reads_total 3", Lines(_exporter.Scrape()));
    }

    [Fact]
    public void Sums_exactly_what_many_threads_record_at_once()
    {
        const int measurements = 40_000;
        var frames = _meter.CreateCounter<long>("actornet.frames.received");
        var seconds = _meter.CreateCounter<double>("actornet.busy.time", "s");
        var latency = _meter.CreateHistogram<double>("actornet.latency", "s");
        var sources = new[] { "a", "b", "c", "d" }.Select(name => new KeyValuePair<string, object?>("source", name)).ToArray();

        Parallel.For(0, measurements, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            frames.Add(1, sources[i % 4]);
            seconds.Add(0.5, sources[i % 4]);
            latency.Record(i / 4 % 2 == 0 ? 0.002 : 20, sources[i % 4]);
        });

        var lines = Lines(_exporter.Scrape());
        foreach (var source in new[] { "a", "b", "c", "d" })
        {
            Assert.Contains($"actornet_frames_received_total{{source=\"{source}\"}} 10000", lines);
            Assert.Contains($"actornet_busy_time_seconds_total{{source=\"{source}\"}} 5000", lines);
            Assert.Contains($"actornet_latency_seconds_bucket{{source=\"{source}\",le=\"0.0025\"}} 5000", lines);
            Assert.Contains($"actornet_latency_seconds_count{{source=\"{source}\"}} 10000", lines);
        }
    }

    [Fact]
    public void Finds_the_cell_of_a_known_tag_set_without_allocating()
    {
        var counter = _meter.CreateCounter<long>("actornet.frames.received");
        var histogram = _meter.CreateHistogram<double>("actornet.latency", "s");
        var source = new KeyValuePair<string, object?>("source", "sensors");
        var sink = new KeyValuePair<string, object?>("sink", "db");
        counter.Add(1, source, sink);
        histogram.Record(0.01, source);

        // The least of several runs: tiered JIT may allocate once on this thread while replacing a method.
        var allocated = long.MaxValue;
        for (var run = 0; run < 5 && allocated > 0; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++)
            {
                counter.Add(1, source, sink);
                histogram.Record(0.01, source);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Exports_only_the_meter_it_was_given()
    {
        using var other = new Meter($"ActorNet.Tests.Prometheus.Other.{Guid.NewGuid():N}");
        other.CreateCounter<long>("other.counter").Add(1);
        _meter.CreateCounter<long>("mine.counter").Add(1);

        var output = _exporter.Scrape();

        Assert.Contains("mine_counter_total 1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("other", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Drops_the_metrics_of_a_disposed_meter()
    {
        using var shortLived = new Meter(_meter.Name);
        shortLived.CreateCounter<long>("actornet.short.lived").Add(1);
        Assert.Contains("actornet_short_lived_total 1", Lines(_exporter.Scrape()));

        shortLived.Dispose();

        Assert.DoesNotContain("short_lived", _exporter.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_the_rest_of_a_scrape_when_an_observable_callback_throws_and_names_only_its_instrument()
    {
        _meter.CreateCounter<long>("actornet.reconnects").Add(2);
        _meter.CreateObservableGauge("actornet.broken", new Func<long>(() => throw new InvalidOperationException("Host=db.internal;Password=hunter2")));
        _meter.CreateObservableGauge("actornet.fine", () => 7L);
        _meter.CreateObservableCounter("actornet.also.broken", new Func<long>(() => throw new IOException("/secret/path")));

        var output = _exporter.Scrape();
        var lines = Lines(output);

        Assert.Contains("actornet_reconnects_total 2", lines);
        Assert.Contains("actornet_fine 7", lines);
        Assert.Equal(
            ["# observable instrument callback failed: actornet.also.broken", "# observable instrument callback failed: actornet.broken"],
            lines.Where(line => line.StartsWith("# observable", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, line => line.StartsWith("actornet_broken", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_observable_callback_that_fails_once_is_named_in_that_scrape_only()
    {
        var fail = true;
        _meter.CreateObservableGauge("actornet.flaky", () => fail ? throw new InvalidOperationException("down") : 3L);

        Assert.Contains("# observable instrument callback failed: actornet.flaky", Lines(_exporter.Scrape()));
        fail = false;
        var lines = Lines(_exporter.Scrape());

        Assert.Contains("actornet_flaky 3", lines);
        Assert.DoesNotContain(lines, line => line.StartsWith("# observable", StringComparison.Ordinal));
    }

    [Fact]
    public void Stops_observing_when_disposed()
    {
        var calls = 0;
        _meter.CreateObservableGauge("actornet.observed", () => ++calls);
        _exporter.Scrape();
        Assert.Equal(1, calls);

        _exporter.Dispose();
        using var other = new PrometheusTextExporter(_meter.Name);
        other.Scrape();

        // Only the other exporter's listener asked.
        Assert.Equal(2, calls);
    }

    [Fact]
    public void The_shared_exporter_is_one_per_process_exports_the_ActorNet_meter_and_outlives_Dispose()
    {
        var shared = PrometheusTextExporter.Shared;
        // The instruments are created with ActorNetMetrics, whichever comes first.
        Assert.NotNull(ActorNetMetrics.ConnectionsActive);

        shared.Dispose();

        Assert.Same(shared, PrometheusTextExporter.Shared);
        Assert.Equal([ActorNetMetrics.MeterName, PrometheusTextExporter.RuntimeMeterName], shared.MeterNames);
        Assert.Contains("# TYPE actornet_connections_active gauge", shared.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Exports_every_meter_it_is_given_by_the_same_naming_rules()
    {
        using var runtime = new Meter($"ActorNet.Tests.Prometheus.Runtime.{Guid.NewGuid():N}");
        using var exporter = new PrometheusTextExporter([_meter.Name, runtime.Name], process: null);
        _meter.CreateCounter<long>("actornet.frames.received", "{frame}").Add(2);
        runtime.CreateObservableCounter("dotnet.gc.collections", () => new Measurement<long>(3, new KeyValuePair<string, object?>("gc.heap.generation", "gen0")), "{collection}");
        runtime.CreateObservableCounter("dotnet.process.cpu.time", () => new Measurement<double>(1.5, new KeyValuePair<string, object?>("cpu.mode", "user")), "s");
        runtime.CreateObservableUpDownCounter("dotnet.process.memory.working_set", () => 4096L, "By");

        var text = exporter.Scrape();

        Assert.Contains("\nactornet_frames_received_total 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter\ndotnet_gc_collections_total{gc_heap_generation=\"gen0\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter\ndotnet_process_cpu_time_seconds_total{cpu_mode=\"user\"} 1.5\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_process_memory_working_set_bytes gauge\ndotnet_process_memory_working_set_bytes 4096\n", text, StringComparison.Ordinal);
        Assert.Equal([_meter.Name, runtime.Name], exporter.MeterNames);
    }

    [Fact]
    public void The_shared_exporter_adds_the_dotnet_runtime_meter_and_on_linux_the_process_series_after_it()
    {
        var text = PrometheusTextExporter.Shared.Scrape();

        Assert.Contains("# TYPE dotnet_gc_collections_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_heap_total_allocated_bytes_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_process_memory_working_set_bytes gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge\n", text, StringComparison.Ordinal);
        Assert.Matches(new Regex("\ndotnet_gc_collections_total\\{gc_heap_generation=\"gen0\"\\} [0-9]+\n"), text);
        if (OperatingSystem.IsLinux())
        {
            Assert.Matches(new Regex("\nprocess_resident_memory_bytes [1-9][0-9]*\n"), text);
            // The exposition stays in name order: process_ after every meter's family.
            Assert.True(text.LastIndexOf("\ndotnet_", StringComparison.Ordinal) < text.IndexOf("\nprocess_", StringComparison.Ordinal), text);
        }
    }

    [Fact]
    public void Stops_listening_when_disposed()
    {
        var counter = _meter.CreateCounter<long>("actornet.frames.received");
        counter.Add(1);
        Assert.True(counter.Enabled);

        _exporter.Dispose();

        Assert.False(counter.Enabled);
        Assert.Throws<ObjectDisposedException>(() => _exporter.WriteTo(TextWriter.Null));
        _exporter.Dispose();
    }

    [Fact]
    public void Writes_every_line_in_the_text_exposition_format()
    {
        _meter.CreateCounter<int>("actornet.connections.accepted", "{connection}", "Accepted").Add(4, new KeyValuePair<string, object?>("source", "a"));
        _meter.CreateCounter<long>("actornet.bytes.received", "By", "Bytes read").Add(1 << 20);
        _meter.CreateUpDownCounter<double>("actornet.inflight.frames").Add(-2.5, new KeyValuePair<string, object?>("weird key.1", "x\"y\\z\nw"));
        _meter.CreateGauge<float>("actornet.fill").Record(0.75f);
        _meter.CreateObservableGauge<double>("actornet.uptime", () => 12.5, "s", "Up\\time\n");
        _meter.CreateHistogram<int>("actornet.batch.size", "By").Record(300, new KeyValuePair<string, object?>("sink", "db"));
        _meter.CreateHistogram<decimal>("actornet.never.recorded");

        var output = _exporter.Scrape();

        Assert.EndsWith("\n", output, StringComparison.Ordinal);
        string? family = null;
        string? type = null;
        foreach (var line in Lines(output))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                var comment = CommentLine().Match(line);
                Assert.True(comment.Success, line);
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    family = comment.Groups["name"].Value;
                    type = comment.Groups["rest"].Value;
                    Assert.Contains(type, new[] { "counter", "gauge", "histogram" });
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, line);
            var name = sample.Groups["name"].Value;
            // A sample belongs to the family whose TYPE line came last.
            string[] names = type == "histogram" ? [family + "_bucket", family + "_sum", family + "_count"] : [family!];
            Assert.True(names.Contains(name), $"{line} after # TYPE {family}");
        }
    }

    private static string[] Lines(string output) =>
        output.EndsWith('\n') ? output[..^1].Split('\n') : [.. output.Split('\n').Where(line => line.Length > 0)];

    [GeneratedRegex("""^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>(?:[^\\\n]|\\[\\n])*)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (?:[+-]Inf|NaN|-?[0-9]+(?:\.[0-9]+)?(?:E[+-]?[0-9]+)?)$""")]
    private static partial Regex SampleLine();
}
