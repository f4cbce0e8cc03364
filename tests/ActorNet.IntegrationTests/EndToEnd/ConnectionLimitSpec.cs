using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

public sealed class ConnectionLimitSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_peer_past_max_connections_is_closed_the_others_keep_working_and_a_freed_slot_is_reused()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("limit");
        var port = Loopback.FreePort();
        var frames = directory.File("frames.jsonl");
        using var metrics = new SourceMetrics(source);
        await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, "max-connections = 3, parser = text"));

        var admitted = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                admitted.Add(await Loopback.ConnectAsync(port));
                await SendLineAsync(admitted[i], $"hello from {i}");
            }
            // Their frames arriving proves all three were admitted before the fourth knocks.
            await Eventually.TrueAsync(() => JsonlRecords.Count(frames) == 3, Bound, () => $"3 records; found {JsonlRecords.Count(frames)}");

            using (var fourth = await Loopback.ConnectAsync(port))
            {
                await fourth.AwaitClosedByServerAsync(Bound);
            }
            Assert.Equal(1, metrics.Total("actornet.connections.rejected", "max-connections"));

            for (var i = 0; i < 3; i++) await SendLineAsync(admitted[i], $"still here {i}");
            await Eventually.TrueAsync(() => JsonlRecords.Count(frames) == 6, Bound, () => $"6 records; found {JsonlRecords.Count(frames)}");
            Assert.Equal(
                ["hello from 0", "hello from 1", "hello from 2", "still here 0", "still here 1", "still here 2"],
                JsonlRecords.TextPayloads(frames).Order());
            Assert.All(admitted, peer => Assert.False(peer.IsClosedByServer(), "an admitted peer was closed"));

            admitted[0].Shutdown(SocketShutdown.Send);
            await admitted[0].AwaitClosedByServerAsync(Bound);

            // The listener hears of the freed slot a moment after the socket closes, so a peer arriving in that
            // moment may still be refused; the slot must be handed out by the next attempts.
            var (newcomer, refusals) = await ConnectUntilAdmittedAsync(port, frames, attempts: 10);
            using (newcomer)
            {
                Assert.InRange(refusals, 0, 3);
                Assert.False(admitted[1].IsClosedByServer() || admitted[2].IsClosedByServer(), "an admitted peer was closed");
            }
            Assert.Equal(1 + refusals, metrics.Total("actornet.connections.rejected", "max-connections"));
            Assert.Equal(4, metrics.Total("actornet.connections.accepted"));
        }
        finally
        {
            foreach (var peer in admitted) peer.Dispose();
        }
    }

    private static async Task<(Socket Peer, int Refusals)> ConnectUntilAdmittedAsync(int port, string frames, int attempts)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var peer = await Loopback.ConnectAsync(port);
            var line = $"newcomer attempt {attempt}";
            await SendLineAsync(peer, line);
            await Eventually.TrueAsync(() => JsonlRecords.TextPayloads(frames).Contains(line) || peer.IsClosedByServer(), Bound,
                () => $"either \"{line}\" in frames.jsonl or the peer closed");
            if (JsonlRecords.TextPayloads(frames).Contains(line)) return (peer, attempt);
            peer.Dispose();
        }
        throw new Xunit.Sdk.XunitException($"no new peer was admitted in {attempts} attempts after a slot was freed");
    }

    private static async Task SendLineAsync(Socket peer, string text) =>
        await peer.SendAsync(Encoding.UTF8.GetBytes(text + "\n"), SocketFlags.None);
}
