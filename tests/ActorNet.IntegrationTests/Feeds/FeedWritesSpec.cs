using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Feeds;

public sealed class FeedWritesSpec : FeedTestKit
{
    private const int IntervalMs = 100;
    private const int Heartbeats = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_login_comes_first_and_heartbeats_follow_on_schedule_as_lines()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        StartFeed(server, $$"""
            on-connect = "LOGIN demo\n"
            heartbeat { interval = {{IntervalMs}}ms, payload = "PING\n" }
            """);

        var peer = await server.NextPeerAsync(Bound);
        await AssertLoginThenHeartbeats(peer, within => peer.ReadLineAsync(within), "LOGIN demo", "PING");
    }

    [Fact]
    public async Task The_login_comes_first_and_heartbeats_follow_on_schedule_as_length_prefixed_frames()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        StartFeed(server, $$"""
            framing { type = length-field, length-field-length = 4 }
            on-connect = "LOGIN demo"
            heartbeat { interval = {{IntervalMs}}ms, payload = "PING" }
            """);

        var peer = await server.NextPeerAsync(Bound);
        await AssertLoginThenHeartbeats(peer, within => peer.ReadLengthFramedAsync(within), "LOGIN demo", "PING");
    }

    [Fact]
    public async Task The_login_is_sent_again_on_every_reconnect()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        StartFeed(server, """
            on-connect = "LOGIN demo\n"
            reconnect { min-backoff = 10ms, max-backoff = 20ms }
            """);

        for (var connection = 1; connection <= 3; connection++)
        {
            var peer = await server.NextPeerAsync(Bound);
            Assert.Equal("LOGIN demo", (await peer.ReadLineAsync(Bound)).Line);
            peer.Close();
        }
    }

    [Fact]
    public async Task A_payload_gets_the_delimiter_appended_unless_it_already_ends_with_it()
    {
        await using var server = new FakeFeedServer();
        server.Start();
        var service = StartFeed(server, """
            framing { type = delimiter, delimiter = "\r\n" }
            on-connect = "LOGIN demo"
            heartbeat { interval = 10s, payload = "PING\r\n" }
            """);

        var peer = await server.NextPeerAsync(Bound);
        await peer.SendAsync("hello\r\n");
        await Eventually.TrueAsync(() => Data.Count == 1, Bound, () => $"{Data.Count} record(s)");
        Assert.True(await service.SendAsync(Data.Single().Connection, "ORDER 1\r\n"u8.ToArray()));
        Assert.True(await service.SendAsync(Data.Single().Connection, "ORDER 2"u8.ToArray()));

        // ReadLineAsync cuts at \n, so each line keeps the \r of its one \r\n.
        Assert.Equal("LOGIN demo\r", (await peer.ReadLineAsync(Bound)).Line);
        Assert.Equal("ORDER 1\r", (await peer.ReadLineAsync(Bound)).Line);
        Assert.Equal("ORDER 2\r", (await peer.ReadLineAsync(Bound)).Line);
    }

    private async Task AssertLoginThenHeartbeats(FeedPeer peer, Func<TimeSpan, Task<(string Payload, long At)>> readFrame,
        string login, string heartbeat)
    {
        var (first, _) = await readFrame(Bound);
        Assert.Equal(login, first);

        for (var k = 1; k <= Heartbeats; k++)
        {
            var (payload, at) = await readFrame(TimeSpan.FromMilliseconds(IntervalMs * 2 + 1000));
            Assert.Equal(heartbeat, payload);
            // The k-th heartbeat is due k intervals after the connection started (which is after the server's
            // accept): never early; late only by scheduling and the timer's tick.
            var sinceAccept = Milliseconds(peer.AcceptedAt, at);
            Assert.True(sinceAccept >= k * IntervalMs - 15, $"heartbeat {k} came {sinceAccept:F0} ms after the accept: early");
            Assert.True(sinceAccept <= k * IntervalMs + 250 || Pool.StalledBetween(peer.AcceptedAt, at),
                $"heartbeat {k} came {sinceAccept:F0} ms after the accept: late; {Pool.Describe(peer.AcceptedAt)}");
        }
    }
}
