using System.Net.Sockets;
using ActorNet.Hosting.Reload;
using ActorNet.IntegrationTests.Support;
using ActorNet.Monitoring;
using Xunit;

namespace ActorNet.IntegrationTests.Hosting;

/// <summary>
/// Reloading the configuration file while peers stream: only what changed is drained and started, everything else
/// keeps its connections and counters, and no frame read is lost or stored twice.
/// </summary>
public sealed class ReloadSpec : ReloadTestKit
{
    private readonly int _keptPort = Loopback.FreePort();
    private readonly int _changedPort = Loopback.FreePort();

    private string TwoSources(string changedMore = "", string fileMore = "flush-interval = 50ms") => Config(
        [Source("kept", _keptPort, "kept-file"), Source("changed", _changedPort, "changed-file", changedMore)],
        [Sink("kept-file", fileMore), Sink("changed-file"), Sink("rejects")]);

    [Fact]
    public async Task A_reload_that_restarts_one_source_leaves_the_peers_of_another_connected_and_losing_nothing()
    {
        Start(TwoSources());
        var kept = new[] { await StreamAsync(_keptPort, "k1"), await StreamAsync(_keptPort, "k2") };
        var changed = await StreamAsync(_changedPort, "c1");
        await AwaitReadAsync("kept", 400);
        await AwaitReadAsync("changed", 200);
        var keptStatus = Service.Status.Source(Named("kept"))!;
        var connectionsBefore = Service.Status.Connections.Where(c => c.Source == Named("kept")).Select(c => c.Id).Order().ToArray();
        var readBefore = keptStatus.FramesReceived;

        var result = await ReloadAsync(TwoSources(changedMore: "max-connections = 50"));

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal([Named("changed")], result.Change!.Sources.Restarted);
        Assert.Equal([Named("kept")], result.Change.Sources.Unchanged);
        Assert.Equal([Named("changed-file"), Named("kept-file"), Named("rejects")], result.Change.Sinks.Unchanged);
        // The restarted source's peer was drained: what it sent before the close is stored, without a gap or a repeat.
        await changed.ClosedByServer.WaitAsync(Bound);
        Assert.Equal(50, Service.Settings.Sources.Single(s => s.Name == Named("changed")).MaxConnections);

        // The untouched source: the same counters, still counting, and the same connections, never closed.
        Assert.Same(keptStatus, Service.Status.Source(Named("kept")));
        await AwaitReadAsync("kept", readBefore + 400);
        Assert.Equal(connectionsBefore, Service.Status.Connections.Where(c => c.Source == Named("kept")).Select(c => c.Id).Order());
        Assert.Equal(2, keptStatus.ConnectionsAccepted);
        Assert.All(kept, peer => Assert.False(peer.ClosedByServer.IsCompleted, $"{peer.Name} was closed"));

        // The restarted source accepts again.
        var again = await StreamAsync(_changedPort, "c2");
        await Eventually.TrueAsync(() => again.Sent >= 100, Bound, () => $"c2 sent {again.Sent}");
        var sentAgain = await again.StopAsync();
        await AssertStoredExactlyOnceAsync(FileOf("changed-file"), Named("c2"), sentAgain);

        foreach (var peer in kept) await AssertStoredExactlyOnceAsync(FileOf("kept-file"), peer.Name, await peer.StopAsync());
        Assert.True(AssertStoredPrefix(FileOf("changed-file"), Named("c1")) >= 200);
    }

    [Fact]
    public async Task Adding_a_source_starts_it_accepting_and_removing_one_stores_what_its_peers_sent_before_closing_them()
    {
        var doomedPort = Loopback.FreePort();
        var addedPort = Loopback.FreePort();
        // Flushed hourly: only the drain of the removed sink can put the doomed peer's lines in its file.
        Start(Config(
            [Source("kept", _keptPort, "kept-file"), Source("doomed", doomedPort, "doomed-file")],
            [Sink("kept-file"), Sink("doomed-file", "flush-interval = 1h, buffer-size = 16 MiB"), Sink("rejects")]));
        var keptPeer = await StreamAsync(_keptPort, "k1");
        using var doomedPeer = await Loopback.ConnectAsync(doomedPort);
        var lines = string.Concat(Enumerable.Range(1, 300).Select(n => StreamingPeer.Payload(Named("d1"), n) + "\n"));
        await doomedPeer.SendAsync(System.Text.Encoding.ASCII.GetBytes(lines), SocketFlags.None);
        await AwaitReadAsync("doomed", 300);
        Assert.Equal(0, JsonlRecords.Count(FileOf("doomed-file")));

        var result = await ReloadAsync(Config(
            [Source("kept", _keptPort, "kept-file"), Source("added", addedPort, "added-file")],
            [Sink("kept-file"), Sink("added-file"), Sink("rejects")]));

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal([Named("added")], result.Change!.Sources.Added);
        Assert.Equal([Named("doomed")], result.Change.Sources.Removed);
        Assert.Equal([Named("kept")], result.Change.Sources.Unchanged);
        Assert.Equal([Named("added-file")], result.Change.Sinks.Added);
        Assert.Equal([Named("doomed-file")], result.Change.Sinks.Removed);
        await doomedPeer.AwaitClosedByServerAsync(Bound);
        await AssertStoredExactlyOnceAsync(FileOf("doomed-file"), Named("d1"), 300);
        Assert.Null(Service.Status.Source(Named("doomed")));
        Assert.Null(Service.Status.Sink(Named("doomed-file")));
        var refused = await Assert.ThrowsAsync<SocketException>(() => Loopback.ConnectAsync(doomedPort));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        var addedPeer = await StreamAsync(addedPort, "a1");
        await Eventually.TrueAsync(() => addedPeer.Sent >= 100, Bound, () => $"a1 sent {addedPeer.Sent}");
        await AssertStoredExactlyOnceAsync(FileOf("added-file"), addedPeer.Name, await addedPeer.StopAsync());
        Assert.Equal(SourceStates.Listening, Service.Status.Source(Named("added"))!.State);
        Assert.Equal($"127.0.0.1:{addedPort}", Service.Status.Source(Named("added"))!.Endpoint);

        Assert.False(keptPeer.ClosedByServer.IsCompleted);
        await AssertStoredExactlyOnceAsync(FileOf("kept-file"), keptPeer.Name, await keptPeer.StopAsync());
    }

    [Fact]
    public async Task A_source_added_by_a_reload_gets_descriptor_room_of_its_own_not_the_cap_planned_at_start()
    {
        // At start the process caps its peers at the sum of max-connections (2) when the descriptor limit holds more:
        // before the reload planned it again, the added source's peers were accepted and closed (reason fd-limit).
        var addedPort = Loopback.FreePort();
        Start(Config([Source("kept", _keptPort, "kept-file", "max-connections = 2")], [Sink("kept-file"), Sink("rejects")]));
        using var kept1 = await Loopback.ConnectAsync(_keptPort);
        using var kept2 = await Loopback.ConnectAsync(_keptPort);
        var kept = Service.Status.Source(Named("kept"))!;
        await Eventually.TrueAsync(() => kept.ConnectionsActive == 2, Bound, () => $"kept has {kept.ConnectionsActive} connections");

        var result = await ReloadAsync(Config(
            [Source("kept", _keptPort, "kept-file", "max-connections = 2"), Source("added", addedPort, "added-file", "max-connections = 2")],
            [Sink("kept-file"), Sink("added-file"), Sink("rejects")]));

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        using var added1 = await Loopback.ConnectAsync(addedPort);
        using var added2 = await Loopback.ConnectAsync(addedPort);
        var added = Service.Status.Source(Named("added"))!;
        await Eventually.TrueAsync(() => added.ConnectionsActive == 2, Bound,
            () => $"added has {added.ConnectionsActive} connections, {added.ConnectionsRejected} refused");
        Assert.Equal(0, added.ConnectionsRejected);
        Assert.Equal(2, kept.ConnectionsActive);
    }

    [Fact]
    public async Task A_reload_of_the_same_file_starts_again_a_feed_that_gave_up()
    {
        // Nothing listens on the vendor's port yet: the feed gives up after two attempts and would never try again.
        var vendorPort = Loopback.FreePort();
        var config = Config(
            [Source("feed", vendorPort, "feed-file",
                "type = tcp-connect, host = \"127.0.0.1\"\n reconnect { min-backoff = 10ms, max-backoff = 20ms, max-attempts = 2 }")],
            [Sink("feed-file"), Sink("rejects")]);
        Start(config);
        await Eventually.TrueAsync(() => Service.Status.Source(Named("feed"))?.State == SourceStates.GaveUp, Bound,
            () => $"the feed gives up; state {Service.Status.Source(Named("feed"))?.State}");

        // The vendor's server is back (the operator fixed it): it sends two lines to whoever connects.
        using var vendor = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, vendorPort);
        vendor.Start();
        var served = Task.Run(async () =>
        {
            var socket = await vendor.AcceptSocketAsync();
            await socket.SendAsync("tick 1\ntick 2\n"u8.ToArray(), SocketFlags.None);
            return socket;
        });

        var result = await ReloadAsync(config);

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal([Named("feed")], result.Change!.Sources.Restarted);
        using var connection = await served.WaitAsync(Bound);
        await Eventually.TrueAsync(() => JsonlRecords.Count(FileOf("feed-file")) == 2, Bound,
            () => $"2 lines stored; {JsonlRecords.Count(FileOf("feed-file"))}");
        Assert.Equal(SourceStates.Connected, Service.Status.Source(Named("feed"))!.State);
    }

    [Fact]
    public async Task Changing_a_source_and_the_sink_another_source_feeds_while_peers_stream_keeps_that_sources_peers_and_loses_nothing()
    {
        Start(TwoSources());
        var kept = new[] { await StreamAsync(_keptPort, "k1"), await StreamAsync(_keptPort, "k2") };
        var changed = await StreamAsync(_changedPort, "c1");
        await AwaitReadAsync("kept", 400);
        var sinkStatus = Service.Status.Sink(Named("kept-file"))!;
        var writtenBefore = sinkStatus.FramesWritten;

        // The kept source's sink changes (restarted: drained, then started again); so does the other source.
        var result = await ReloadAsync(TwoSources(changedMore: "max-connections = 50", fileMore: "flush-interval = 20ms, buffer-size = 32 KiB"));

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal([Named("kept-file")], result.Change!.Sinks.Restarted);
        Assert.Equal([Named("changed")], result.Change.Sources.Restarted);
        Assert.Equal([Named("kept")], result.Change.Sources.Unchanged);
        Assert.Equal([Named("kept")], result.Change.Rerouted);
        await changed.ClosedByServer.WaitAsync(Bound);

        // The kept source now writes through the new sink: same status, still counting, in the same file.
        Assert.Same(sinkStatus, Service.Status.Sink(Named("kept-file")));
        await Eventually.TrueAsync(() => sinkStatus.FramesWritten > writtenBefore + 400 && sinkStatus.State == SinkStates.Writing, Bound,
            () => $"the new sink writes; {sinkStatus.FramesWritten} written, state {sinkStatus.State}");
        Assert.All(kept, peer => Assert.False(peer.ClosedByServer.IsCompleted, $"{peer.Name} was closed"));
        foreach (var peer in kept) await AssertStoredExactlyOnceAsync(FileOf("kept-file"), peer.Name, await peer.StopAsync());
        AssertStoredPrefix(FileOf("changed-file"), Named("c1"));
    }

    [Fact]
    public async Task Changing_only_a_sink_several_times_while_peers_stream_loses_nothing_and_closes_no_peer()
    {
        Start(TwoSources());
        var peers = new[] { await StreamAsync(_keptPort, "k1"), await StreamAsync(_keptPort, "k2"), await StreamAsync(_changedPort, "c1") };
        var sinkStatus = Service.Status.Sink(Named("kept-file"))!;

        // Each reload replaces the sink the kept source feeds, nothing else: its parsers hold, the old sink drains, the
        // new one takes over. Several in a row, with the peers streaming throughout.
        for (var i = 1; i <= 4; i++)
        {
            await AwaitReadAsync("kept", 200 * i);
            var result = await ReloadAsync(TwoSources(fileMore: $"flush-interval = {20 + i}ms"));
            Assert.Equal(ReloadOutcome.Applied, result.Outcome);
            Assert.Equal([Named("kept-file")], result.Change!.Sinks.Restarted);
            Assert.Equal([Named("changed"), Named("kept")], result.Change.Sources.Unchanged.Order(StringComparer.Ordinal));
        }

        await Eventually.TrueAsync(() => sinkStatus.State == SinkStates.Writing, Bound, () => $"the last sink writes; state {sinkStatus.State}");
        Assert.All(peers, peer => Assert.False(peer.ClosedByServer.IsCompleted, $"{peer.Name} was closed"));
        foreach (var peer in peers.Take(2)) await AssertStoredExactlyOnceAsync(FileOf("kept-file"), peer.Name, await peer.StopAsync());
        await AssertStoredExactlyOnceAsync(FileOf("changed-file"), peers[2].Name, await peers[2].StopAsync());
    }

    [Fact]
    public async Task An_invalid_file_is_rejected_with_its_errors_and_the_running_configuration_is_kept()
    {
        Start(TwoSources());
        var peer = await StreamAsync(_keptPort, "k1");
        await AwaitReadAsync("kept", 100);
        var running = Service.Settings;

        var result = await ReloadAsync(Config(
            [Source("kept", _keptPort, "nowhere"), Source("changed", _changedPort, "changed-file", "max-connections = lots")],
            [Sink("kept-file"), Sink("changed-file"), Sink("rejects")]));

        Assert.Equal(ReloadOutcome.Rejected, result.Outcome);
        Assert.Null(result.Change);
        Assert.Contains(result.Errors, e => e.Contains($"actornet.sources.{Named("changed")}.max-connections", StringComparison.Ordinal) && e.Contains("lots"));
        Assert.Contains(result.Errors, e => e.Contains($"actornet.sources.{Named("kept")}.sinks", StringComparison.Ordinal));
        Assert.Same(running, Service.Settings);
        var before = Service.Status.Source(Named("kept"))!.FramesReceived;
        await AwaitReadAsync("kept", before + 100);
        Assert.False(peer.ClosedByServer.IsCompleted);
        await AssertStoredExactlyOnceAsync(FileOf("kept-file"), peer.Name, await peer.StopAsync());
    }

    [Fact]
    public async Task Keys_that_only_a_restart_changes_are_reported_and_keep_their_running_values()
    {
        Start(TwoSources());
        var running = Service.Settings;

        var result = await ReloadAsync(Config(
            [Source("kept", _keptPort, "kept-file"), Source("changed", _changedPort, "changed-file")],
            [Sink("kept-file"), Sink("changed-file"), Sink("rejects")], top: "max-buffered-bytes = 32 MiB\nhttp.port = 18080"));

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal(["actornet.http.port", "actornet.max-buffered-bytes"], result.Change!.NeedsRestart.Order(StringComparer.Ordinal));
        Assert.True(result.Change.LeavesActorsAlone);
        Assert.Equal(running.MaxBufferedBytes, Service.Settings.MaxBufferedBytes);
        Assert.Equal(running.Http, Service.Settings.Http);
        Assert.Equal(running.MaxBufferedBytes, Service.Budget.Limit);
    }

    [Fact]
    public async Task Without_a_configuration_file_there_is_nothing_to_read_again_and_it_says_so()
    {
        Start(TwoSources(), reloadable: false);

        var result = await Service.ReloadAsync("test");

        Assert.Equal(ReloadOutcome.NothingToReload, result.Outcome);
        Assert.Contains("nothing to read again", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_the_shutdown_drain_has_begun_a_reload_is_refused_and_binds_nothing()
    {
        Start(TwoSources());
        await DrainAsync();
        var port = Loopback.FreePort();

        var result = await ReloadAsync(Config(
            [Source("kept", _keptPort, "kept-file"), Source("changed", _changedPort, "changed-file"), Source("late", port, "kept-file")],
            [Sink("kept-file"), Sink("changed-file"), Sink("rejects")]));

        Assert.Equal(ReloadOutcome.Rejected, result.Outcome);
        Assert.Contains("shutting down", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Null(Service.Status.Source(Named("late")));
        // The socket bound for the new source was closed again: the port is free.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
    }
}
