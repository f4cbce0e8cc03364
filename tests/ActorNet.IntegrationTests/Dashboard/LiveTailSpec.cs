using System.Text;
using System.Text.Json;
using ActorNet.IntegrationTests.Postgres;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using ActorNet.Parsing;
using ActorNet.Protocol;
using Xunit;

namespace ActorNet.IntegrationTests.Dashboard;

public sealed class LiveTailSpec
{
    private static ReadOnlyMemory<byte> Record(int n) => Encoding.UTF8.GetBytes($$"""{"n":{{n}}}""");

    private static int N(LiveTailRecord record) => JsonDocument.Parse(record.Json).RootElement.GetProperty("n").GetInt32();

    private static List<LiveTailRecord> Drain(LiveTailSubscription subscription)
    {
        var records = new List<LiveTailRecord>();
        while (subscription.Reader.TryRead(out var record)) records.Add(record);
        return records;
    }

    [Fact]
    public void A_subscriber_that_never_reads_keeps_the_newest_buffer_size_records_and_counts_the_rest_as_dropped()
    {
        var sink = TestConfig.UniqueSourceName("live");
        var status = new ActorNetStatus();
        var sinkStatus = status.AddSink(sink, "websocket");
        var tail = new LiveTail();
        tail.Attach(status);
        using var metric = new SinkMetricTotal("actornet.sink.dropped", sink);
        using var subscription = tail.Subscribe(capacity: 10);

        for (var n = 1; n <= 25; n++) tail.Publish(sink, "sensors", Record(n));

        Assert.Equal(10, subscription.Queued);
        Assert.Equal(15, subscription.DroppedCount);
        Assert.Equal(15, tail.Dropped);
        Assert.Equal(15, sinkStatus.Dropped);
        Assert.Equal(15, metric.Total);
        Assert.Equal(Enumerable.Range(16, 10), Drain(subscription).Select(N));
    }

    [Fact]
    public void Publishing_with_no_subscribers_reaches_nobody_and_drops_nothing()
    {
        var tail = new LiveTail();

        Assert.False(tail.HasSubscribersFor("live", "sensors"));
        Assert.Equal(0, tail.Publish("live", "sensors", Record(1)));
        Assert.Equal(0, tail.Dropped);

        using var late = tail.Subscribe(capacity: 10);
        Assert.Equal(0, late.Queued);
        Assert.Equal(1, tail.Publish("live", "sensors", Record(2)));
        Assert.Equal([2], Drain(late).Select(N));
    }

    [Fact]
    public async Task A_subscriber_that_left_gets_nothing_more_and_its_reader_completes()
    {
        var tail = new LiveTail();
        var subscription = tail.Subscribe(capacity: 10);
        tail.Publish("live", "sensors", Record(1));

        subscription.Dispose();
        Assert.Equal(0, tail.Publish("live", "sensors", Record(2)));

        Assert.Equal(0, tail.SubscriberCount);
        Assert.False(tail.HasSubscribersFor("live", "sensors"));
        Assert.Equal([1], Drain(subscription).Select(N));
        await subscription.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_subscriber_to_one_sink_sees_only_that_sinks_records()
    {
        var tail = new LiveTail();
        using var one = tail.Subscribe(capacity: 10, sink: "one");
        using var all = tail.Subscribe(capacity: 10);

        tail.Publish("one", "sensors", Record(1));
        tail.Publish("two", "sensors", Record(2));

        Assert.True(tail.HasSubscribersFor("two", "sensors"));
        Assert.Equal([1], Drain(one).Select(N));
        Assert.Equal([("one", 1), ("two", 2)], Drain(all).Select(r => (r.Sink, N(r))));
    }

    [Fact]
    public void A_subscriber_to_some_sources_sees_only_their_records_and_the_others_are_never_queued_for_it()
    {
        var tail = new LiveTail();
        using var some = tail.Subscribe(capacity: 2, sources: ["sensors", "meters"]);
        using var all = tail.Subscribe(capacity: 10);

        tail.Publish("live", "sensors", Record(1));
        // Not wanted by the first: neither queued for it nor counted as its drop although its queue holds two.
        for (var n = 2; n <= 5; n++) tail.Publish("live", "gateways", Record(n));
        tail.Publish("live", "meters", Record(6));

        Assert.True(tail.HasSubscribersFor("live", "gateways"));
        Assert.Equal([1, 6], Drain(some).Select(N));
        Assert.Equal(0, some.DroppedCount);
        Assert.Equal([1, 2, 3, 4, 5, 6], Drain(all).Select(N));

        all.Dispose();
        Assert.False(tail.HasSubscribersFor("live", "gateways"));
        Assert.True(tail.HasSubscribersFor("live", "meters"));
        Assert.Equal(0, tail.Publish("live", "gateways", Record(7)));
    }

    [Fact]
    public void A_slow_subscriber_costs_a_fast_one_nothing()
    {
        var tail = new LiveTail();
        using var slow = tail.Subscribe(capacity: 2);
        using var fast = tail.Subscribe(capacity: 100);

        // A sink name of its own: drops show in the process-wide metric, which other specs read per sink.
        var sink = TestConfig.UniqueSourceName("live");
        for (var n = 1; n <= 50; n++) tail.Publish(sink, "sensors", Record(n));

        Assert.Equal(48, slow.DroppedCount);
        Assert.Equal(0, fast.DroppedCount);
        Assert.Equal(Enumerable.Range(1, 50), Drain(fast).Select(N));
    }

    [Fact]
    public void The_websocket_sink_publishes_each_record_with_its_kind_and_sink_first()
    {
        var tail = new LiveTail();
        using var subscription = tail.Subscribe(capacity: 10);
        using var sink = new Sinks.WebSocketSink(new Configuration.SinkSettings("live", "websocket", "", 0, TimeSpan.FromSeconds(1)), tail);
        var connection = new ConnectionInfo("sensors", 7, "127.0.0.1:5000");
        var batch = TestBatch.Of(PayloadFormat.Text, connection, 1, "hello",
            new RejectedFrame("invalid-utf8", "invalid UTF-8 at byte 0 (0xFF)", new byte[] { 0xFF }, 1), "world");

        Assert.Equal(3, sink.Write(batch, accepted: true, rejected: true));

        var messages = Drain(subscription).Select(r => Encoding.UTF8.GetString(r.Json.Span)).ToArray();
        Assert.Equal(3, messages.Length);
        Assert.StartsWith("""{"kind":"frame","sink":"live","source":"sensors","connection":7,"peer":"127.0.0.1:5000","seq":1,""", messages[0]);
        Assert.EndsWith("""
            "payload":"hello"}
            """, messages[0]);
        Assert.StartsWith("""{"kind":"frame","sink":"live",""", messages[1]);
        Assert.Contains("\"seq\":3,", messages[1]);
        var quarantined = JsonDocument.Parse(messages[2]).RootElement;
        Assert.Equal("quarantined", quarantined.GetProperty("kind").GetString());
        Assert.Equal(2, quarantined.GetProperty("seq").GetInt64());
        Assert.Equal("invalid-utf8", quarantined.GetProperty("reason").GetString());
        Assert.Equal("/w==", quarantined.GetProperty("raw").GetString());
    }

    [Fact]
    public void The_websocket_sink_allocates_nothing_while_nobody_watches()
    {
        var tail = new LiveTail();
        using var sink = new Sinks.WebSocketSink(new Configuration.SinkSettings("live", "websocket", "", 0, TimeSpan.FromSeconds(1)), tail);
        var batch = TestBatch.Of(PayloadFormat.Text, new ConnectionInfo("sensors", 1, "127.0.0.1:5000"), 1, "a", "b", "c");
        using var other = tail.Subscribe(capacity: 10, sink: "another-sink");
        // Watching the sink, but another source: the batch of "sensors" is not even formatted.
        using var otherSource = tail.Subscribe(capacity: 10, sources: ["meters"]);
        sink.Write(batch, accepted: true, rejected: false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = 0;
        for (var i = 0; i < 1000; i++) written += sink.Write(batch, accepted: true, rejected: false);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(3000, written);
        Assert.Equal(0, allocated);
        Assert.Equal(0, other.Queued);
        Assert.Equal(0, otherSource.Queued);
    }
}
