using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Support;
using ActorNet.Hosting.Replay;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>
/// A live run with recording on, then its recording replayed at max speed into fresh sinks: the same records,
/// field for field (payload, connection, peer, seq, receivedAt, quarantine reason and raw bytes).
/// </summary>
public sealed class RecordReplaySpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Fifty_peers_with_random_chunking_replayed_at_max_give_the_same_records()
    {
        const int peers = 50, lines = 120;
        using var live = new TempDirectory();
        using var replayed = new TempDirectory();
        var source = TestConfig.UniqueSourceName("record");
        var port = Loopback.FreePort();
        var recordings = live.File("recordings");
        var sourceKeys = $$"""record { enabled = on, dir = "{{recordings}}" }""";

        await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, live, sourceKeys)))
        {
            await ChunkedPeers.SendAsync(port, peers, lines, seed: 12);
            var expected = ChunkedPeers.ExpectedRecords(peers, lines);
            await Eventually.TrueAsync(() => RecordedRecords.Read(live).Count >= expected, Bound,
                () => $"{expected} records stored live; {RecordedRecords.Read(live).Count} so far");
            await actorNet.StopAsync();
        }
        var liveRecords = RecordedRecords.Read(live);
        Assert.Equal(ChunkedPeers.ExpectedRecords(peers, lines), liveRecords.Count);
        Assert.Contains(liveRecords, r => r.Contains("\"invalid-utf8\"", StringComparison.Ordinal));
        Assert.Contains(liveRecords, r => r.Contains("\"truncated\"", StringComparison.Ordinal));

        var settings = ActorNetSettings.Parse(TestConfig.OneSource(source, port, replayed, ""));
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), recordings, new ReplayOptions(Speed: null))
            .WaitAsync(Bound);
        output.WriteLine($"replayed {result.Reads} reads, {result.Bytes} bytes, {result.Connections} connections");

        Assert.Empty(result.TornTails);
        Assert.Equal(peers, result.Connections);
        // Random chunking made many more reads than peers: the replay kept each one's boundaries.
        Assert.True(result.Reads > peers * 2, $"{result.Reads} reads recorded");
        Assert.Equal(liveRecords, RecordedRecords.Read(replayed));
    }

    [Fact]
    public async Task A_peer_closed_by_frame_timeout_replays_with_its_partial_frame_quarantined_as_frame_timeout()
    {
        using var live = new TempDirectory();
        using var replayed = new TempDirectory();
        var source = TestConfig.UniqueSourceName("record-slow");
        var port = Loopback.FreePort();
        var recordings = live.File("recordings");
        const string slowKeys = "frame-timeout = 300ms";

        await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, live,
            $$"""{{slowKeys}}, record { enabled = on, dir = "{{recordings}}" }""")))
        {
            using var slow = await Loopback.ConnectAsync(port);
            await slow.SendAsync("a whole line\nnever finished"u8.ToArray(), System.Net.Sockets.SocketFlags.None);
            await slow.AwaitClosedByServerAsync(Bound);
            await Eventually.TrueAsync(() => RecordedRecords.Read(live).Count >= 2, Bound);
            await actorNet.StopAsync();
        }
        var liveRecords = RecordedRecords.Read(live);
        Assert.Equal(2, liveRecords.Count);
        Assert.Contains(liveRecords, r => r.Contains("\"frame-timeout\"", StringComparison.Ordinal));

        var settings = ActorNetSettings.Parse(TestConfig.OneSource(source, port, replayed, slowKeys));
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), recordings, new ReplayOptions(Speed: null)).WaitAsync(Bound);

        Assert.Equal(1, result.Connections);
        // The same quarantine entry, reason and error included: not "truncated", as any other close would leave it.
        Assert.Equal(liveRecords, RecordedRecords.Read(replayed));
    }

    [Fact]
    public async Task Replay_of_one_connection_gives_only_that_connections_records()
    {
        using var live = new TempDirectory();
        using var replayed = new TempDirectory();
        var source = TestConfig.UniqueSourceName("record-one");
        var port = Loopback.FreePort();
        var recordings = live.File("recordings");

        await using (var actorNet = await InProcessActorNet.StartAsync(
            TestConfig.OneSource(source, port, live, $$"""record { enabled = on, dir = "{{recordings}}" }""")))
        {
            await ChunkedPeers.SendAsync(port, peers: 3, lines: 20, seed: 5);
            await Eventually.TrueAsync(() => RecordedRecords.Read(live).Count >= ChunkedPeers.ExpectedRecords(3, 20), Bound);
            await actorNet.StopAsync();
        }
        var connection = JsonlRecords.Read(live.File("frames.jsonl"))[0].GetProperty("connection").GetInt64();

        var settings = ActorNetSettings.Parse(TestConfig.OneSource(source, port, replayed, ""));
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), recordings,
            new ReplayOptions(Source: source, Speed: 10, ConnectionId: connection)).WaitAsync(Bound);

        Assert.Equal(1, result.Connections);
        var expected = RecordedRecords.Read(live).Where(r => r.Contains($"connection={connection} ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, RecordedRecords.Read(replayed));
    }
}
