using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;
using static ActorNet.IntegrationTests.Feeds.EchoReplySpec;

namespace ActorNet.IntegrationTests.Feeds;

public sealed class ServiceWritesSpec : FeedTestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SendAsync_reaches_only_the_peer_it_names_and_BroadcastAsync_reaches_every_peer()
    {
        var service = StartActorNet("");
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        var idA = await ConnectionIdOf(a, "I am a");
        var idB = await ConnectionIdOf(b, "I am b");

        Assert.True(await service.SendAsync(idA, "to a"u8.ToArray()));
        Assert.True(await service.SendAsync(idB, "to b\n"u8.ToArray()));
        // Each peer's first bytes are its own message: a stray write to the wrong peer would come first or instead.
        Assert.Equal("to a\n", await ReceiveExactlyAsync(a, 5));
        Assert.Equal("to b\n", await ReceiveExactlyAsync(b, 5));

        Assert.Equal(2, await service.BroadcastAsync(SourceName, "to all"u8.ToArray()));
        Assert.Equal("to all\n", await ReceiveExactlyAsync(a, 7));
        Assert.Equal("to all\n", await ReceiveExactlyAsync(b, 7));
    }

    [Fact]
    public async Task SendAsync_to_a_connection_that_is_not_open_returns_false()
    {
        var service = StartActorNet("");
        using var a = await ConnectAsync();
        var id = await ConnectionIdOf(a, "here");

        Assert.False(await service.SendAsync(id + 1_000_000, "nobody"u8.ToArray(), TimeSpan.FromSeconds(2)));

        a.Shutdown(SocketShutdown.Send);
        await a.AwaitClosedByServerAsync(Bound);
        // The connection closed its socket as it stopped; a write to it now has no peer to reach.
        await AwaitAssertAsync(async () => Assert.False(await service.SendAsync(id, "late"u8.ToArray(), TimeSpan.FromSeconds(1))), Bound);
    }

    [Fact]
    public async Task SendAsync_to_an_unknown_connection_returns_false_without_waiting_out_its_timeout()
    {
        var service = StartActorNet("");
        using var a = await ConnectAsync();
        var id = await ConnectionIdOf(a, "here");

        var clock = Stopwatch.StartNew();
        Assert.False(await service.SendAsync(id + 1_000_000, "nobody"u8.ToArray()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"SendAsync took {clock.Elapsed.TotalSeconds:F1} s to find that no connection {id + 1_000_000} is open");
    }

    [Fact]
    public async Task SendAsync_of_a_payload_that_holds_the_delimiter_throws_and_writes_nothing()
    {
        var service = StartActorNet("");
        using var a = await ConnectAsync();
        var id = await ConnectionIdOf(a, "here");

        // The peer would read it as two frames: refused rather than sent.
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.SendAsync(id, "one\ntwo"u8.ToArray()));
        Assert.True(await service.SendAsync(id, "whole"u8.ToArray()));
        Assert.Equal("whole\n", await ReceiveExactlyAsync(a, 6));
    }

    [Fact]
    public async Task BroadcastAsync_counts_only_open_connections_and_rejects_an_unknown_source()
    {
        var service = StartActorNet("");
        await SourceStarted();
        Assert.Equal(0, await service.BroadcastAsync(SourceName, "nobody"u8.ToArray()));
        using var a = await ConnectAsync();
        await ConnectionIdOf(a, "here");
        Assert.Equal(1, await service.BroadcastAsync(SourceName, "one"u8.ToArray()));
        Assert.Equal("one\n", await ReceiveExactlyAsync(a, 4));

        await Assert.ThrowsAsync<ArgumentException>(() => service.BroadcastAsync("no-such-source", "x"u8.ToArray()));
    }

    [Fact]
    public async Task BroadcastAsync_right_after_start_returns_zero_rather_than_timing_out()
    {
        var service = StartActorNet("");
        // Start has returned, so the source exists as far as the caller can tell, and it has no peers.
        Assert.Equal(0, await service.BroadcastAsync(SourceName, "nobody"u8.ToArray(), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task SendAsync_and_BroadcastAsync_reach_a_feed_server_in_its_framing()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        var service = StartFeed(server, "framing { type = length-field, length-field-length = 4 }");
        var feed = await server.NextPeerAsync(Bound);
        await feed.SendAsync(Framed("hello"));
        await Eventually.TrueAsync(() => Data.Count == 1, Bound, () => $"{Data.Count} record(s)");

        Assert.True(await service.SendAsync(Data.Single().Connection, "order 1"u8.ToArray()));
        Assert.Equal("order 1", (await feed.ReadLengthFramedAsync(Bound)).Payload);
        Assert.Equal(1, await service.BroadcastAsync(SourceName, "order 2"u8.ToArray()));
        Assert.Equal("order 2", (await feed.ReadLengthFramedAsync(Bound)).Payload);
    }

    /// <summary>The source actor exists: Start returns before the guardian has created it.</summary>
    private Task SourceStarted() =>
        AwaitAssertAsync(() => Sys.ActorSelection($"/user/actornet/source-{SourceName}").ResolveOne(TimeSpan.FromSeconds(1)), Bound);

    private async Task<long> ConnectionIdOf(Socket peer, string line)
    {
        await peer.SendAsync(Encoding.UTF8.GetBytes(line + "\n"));
        var record = await Eventually.ValueAsync(() => Data.FirstOrDefault(r => r.Payload == line), r => r is not null, Bound,
            $"a record \"{line}\"");
        return record!.Connection;
    }
}
