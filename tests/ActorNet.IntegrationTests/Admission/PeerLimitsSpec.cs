using System.Diagnostics;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Admission;

/// <summary>
/// Limits per peer address on a real listener, with clients bound to loopback addresses of their own (127.0.0.2,
/// 127.0.0.3 ...), and on-max-connections = pause keeping peers in the kernel's backlog until a slot frees.
/// </summary>
public sealed class PeerLimitsSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private sealed record Started(TempDirectory Directory, string Frames, int Port, SourceMetrics Metrics, InProcessActorNet Net) : IAsyncDisposable
    {
        public long Rejected(string reason) => Metrics.Total("actornet.connections.rejected", reason);

        public async ValueTask DisposeAsync()
        {
            await Net.DisposeAsync();
            Metrics.Dispose();
            Directory.Dispose();
        }
    }

    private static async Task<Started> StartAsync(string keys)
    {
        var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("peers");
        var port = Loopback.FreePort();
        var metrics = new SourceMetrics(source);
        var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, "parser = text\n" + keys));
        return new Started(directory, directory.File("frames.jsonl"), port, metrics, net);
    }

    /// <summary>Connects from <paramref name="from"/> and sends <paramref name="line"/>; completes once it is stored (true) or the peer is closed (false).</summary>
    private static async Task<(Socket Peer, bool Admitted)> KnockAsync(Started net, string from, string line)
    {
        var peer = await LoopbackPeers.ConnectFromAsync(from, net.Port);
        await peer.SendAsync(line + "\n");
        await Eventually.TrueAsync(() => Stored(net, line) || peer.IsClosedByServer(), Bound, () => $"\"{line}\" stored or its peer closed");
        return (peer, Stored(net, line));
    }

    private static bool Stored(Started net, string line) => JsonlRecords.TextPayloads(net.Frames).Contains(line);

    [Fact]
    public async Task An_address_past_max_connections_per_ip_is_refused_while_another_address_is_let_in()
    {
        await using var net = await StartAsync("max-connections-per-ip = 2");
        var peers = new List<Socket>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var (peer, admitted) = await KnockAsync(net, "127.0.0.2", $"two-{i}");
                peers.Add(peer);
                Assert.True(admitted, $"127.0.0.2's connection {i} was refused");
            }
            var (third, thirdAdmitted) = await KnockAsync(net, "127.0.0.2", "two-2");
            peers.Add(third);
            var (other, otherAdmitted) = await KnockAsync(net, "127.0.0.3", "three-0");
            peers.Add(other);

            Assert.False(thirdAdmitted, "a third connection from 127.0.0.2 was let in");
            Assert.True(otherAdmitted, "127.0.0.3 was refused");
            Assert.Equal(1, net.Rejected("per-ip"));

            // A closed connection gives its address's slot back (the listener hears of it a moment later).
            peers[0].Shutdown(SocketShutdown.Both);
            await peers[0].AwaitClosedByServerAsync(Bound);
            var admittedAgain = false;
            for (var attempt = 0; attempt < 20 && !admittedAgain; attempt++)
            {
                var (peer, admitted) = await KnockAsync(net, "127.0.0.2", $"two-again-{attempt}");
                peers.Add(peer);
                admittedAgain = admitted;
            }
            Assert.True(admittedAgain, "127.0.0.2 never got its slot back");
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
    }

    [Fact]
    public async Task An_address_connecting_faster_than_its_rate_is_refused_and_another_address_is_not_held_back()
    {
        const int perSecond = 2;
        await using var net = await StartAsync($"max-connects-per-ip-per-second = {perSecond}");
        var peers = new List<Socket>();
        try
        {
            var clock = Stopwatch.StartNew();
            var outcomes = new List<bool>();
            for (var i = 0; i < 6; i++)
            {
                var (peer, admitted) = await KnockAsync(net, "127.0.0.2", $"fast-{i}");
                peers.Add(peer);
                outcomes.Add(admitted);
            }
            var elapsed = clock.Elapsed;
            var (other, otherAdmitted) = await KnockAsync(net, "127.0.0.3", "other");
            peers.Add(other);

            // A bucket of 2 that refills 2 a second: over `elapsed`, at most 2 + 2 x elapsed connects get a token.
            var allowed = perSecond + (int)Math.Floor(elapsed.TotalSeconds * perSecond);
            Assert.True(outcomes[0] && outcomes[1], $"the first two connects were refused: {string.Join(", ", outcomes)}");
            Assert.InRange(outcomes.Count(a => a), perSecond, allowed);
            Assert.Equal(outcomes.Count(a => !a), net.Rejected("rate"));
            if (allowed < outcomes.Count) Assert.True(net.Rejected("rate") >= 1, "nothing was refused for rate");
            Assert.True(otherAdmitted, "127.0.0.3 was refused for 127.0.0.2's rate");
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
    }

    [Fact]
    public async Task Deny_and_allow_lists_turn_addresses_away_as_denied()
    {
        await using var net = await StartAsync("allow = [ 127.0.0.0/30 ], deny = [ 127.0.0.3 ]");

        var (allowed, allowedIn) = await KnockAsync(net, "127.0.0.2", "allowed");
        var (denied, deniedIn) = await KnockAsync(net, "127.0.0.3", "denied");
        var (outside, outsideIn) = await KnockAsync(net, "127.0.0.4", "outside");
        using (allowed)
        using (denied)
        using (outside)
        {
            Assert.True(allowedIn, "127.0.0.2 (in allow) was refused");
            Assert.False(deniedIn, "127.0.0.3 (in deny) was let in");
            Assert.False(outsideIn, "127.0.0.4 (not in allow) was let in");
            Assert.Equal(2, net.Rejected("denied"));
        }
    }

    [Fact]
    public async Task A_listener_on_ipv6_any_takes_ipv4_peers_names_them_by_ipv4_and_applies_ipv4_blocks_to_them()
    {
        await using var net = await StartAsync("host = \"::\", deny = [ 127.0.0.3 ], max-connections-per-ip = 1");

        var (v4, v4In) = await KnockAsync(net, "127.0.0.2", "over ipv4");
        var (again, againIn) = await KnockAsync(net, "127.0.0.2", "over ipv4 again");
        var (denied, deniedIn) = await KnockAsync(net, "127.0.0.3", "denied over ipv4");
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        await v6.ConnectAsync(System.Net.IPAddress.IPv6Loopback, net.Port).WaitAsync(Bound);
        await v6.SendAsync("over ipv6\n");
        using (v4)
        using (again)
        using (denied)
        {
            var records = await Eventually.ValueAsync(() => JsonlRecords.Read(net.Frames), r => r.Count == 2, Bound, "two records");
            var peers = records.ToDictionary(r => r.GetProperty("payload").GetString()!, r => r.GetProperty("peer").GetString());
            Assert.True(v4In, "127.0.0.2 was refused");
            Assert.Equal(v4.PeerName(), peers["over ipv4"]);
            Assert.StartsWith("127.0.0.2:", peers["over ipv4"]);
            Assert.StartsWith("[::1]:", peers["over ipv6"]);
            // ::ffff:127.0.0.2 and ::ffff:127.0.0.3 on the socket: the IPv4 rules apply all the same.
            Assert.False(againIn, "a second connection from 127.0.0.2 was let in past max-connections-per-ip 1");
            Assert.False(deniedIn, "127.0.0.3 was let in although denied");
            Assert.Equal(1, net.Rejected("per-ip"));
            Assert.Equal(1, net.Rejected("denied"));
        }
    }

    [Fact]
    public async Task With_pause_a_peer_past_max_connections_waits_in_the_backlog_and_is_served_once_a_slot_frees()
    {
        await using var net = await StartAsync("max-connections = 2, on-max-connections = pause");
        var (first, firstIn) = await KnockAsync(net, "127.0.0.2", "first");
        var (second, secondIn) = await KnockAsync(net, "127.0.0.2", "second");
        using (first)
        using (second)
        {
            Assert.True(firstIn && secondIn, "the first two peers were not both served");

            // The kernel completes the handshake (the peer waits in the backlog) but ActorNet does not accept it yet.
            using var waiting = await LoopbackPeers.ConnectFromAsync("127.0.0.3", net.Port);
            await waiting.SendAsync("waiting\n");
            // Frames sent after it by the served peers arrive while it is still not read, and it is not closed.
            await first.SendAsync("first again\n");
            await second.SendAsync("second again\n");
            await Eventually.TrueAsync(() => Stored(net, "first again") && Stored(net, "second again"), Bound, () => "the served peers' later frames");
            Assert.False(Stored(net, "waiting"), "a peer past max-connections was served while both slots were taken");
            Assert.False(waiting.IsClosedByServer(), "the waiting peer was closed");

            first.Shutdown(SocketShutdown.Both);
            await first.AwaitClosedByServerAsync(Bound);
            await Eventually.TrueAsync(() => Stored(net, "waiting"), Bound, () => "the waiting peer served once a slot freed");
            Assert.Equal(0, net.Metrics.Total("actornet.connections.rejected"));
            Assert.Contains("holds max-connections (2): not accepting until a connection ends", net.Net.Log.Dump("max-connections"));
        }
    }
}
