using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Admission;

/// <summary>
/// PROXY protocol headers sent by a real client to a real listener on loopback: the client the header names becomes
/// the stored peer; a header from an untrusted address, a malformed, truncated or late one is refused and counted.
/// </summary>
public sealed class ProxyProtocolSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static byte[] V2(byte command, byte family, byte[] addresses, byte[]? tlvs = null)
    {
        tlvs ??= [];
        var length = addresses.Length + tlvs.Length;
        return [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, (byte)(0x20 | command), family,
            (byte)(length >> 8), (byte)length, .. addresses, .. tlvs];
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private sealed class Listener : IAsyncDisposable
    {
        private Listener(TempDirectory directory, string source, int port, SourceMetrics metrics, InProcessActorNet net)
        {
            Directory = directory;
            Source = source;
            Port = port;
            Metrics = metrics;
            Net = net;
        }

        public TempDirectory Directory { get; }
        public string Source { get; }
        public int Port { get; }
        public SourceMetrics Metrics { get; }
        public InProcessActorNet Net { get; }
        public string Frames => Directory.File("frames.jsonl");

        public static async Task<Listener> StartAsync(string keys)
        {
            var directory = new TempDirectory();
            var source = TestConfig.UniqueSourceName("proxy");
            var port = Loopback.FreePort();
            var metrics = new SourceMetrics(source);
            var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, "parser = text\n" + keys));
            return new Listener(directory, source, port, metrics, net);
        }

        public IReadOnlyList<JsonElement> Records() => JsonlRecords.Read(Frames);

        public async Task<JsonElement> AwaitRecordAsync(string payload) =>
            (await Eventually.ValueAsync(Records, r => r.Any(x => x.GetProperty("payload").GetString() == payload), Bound,
                $"a record \"{payload}\"")).First(x => x.GetProperty("payload").GetString() == payload);

        public Task AwaitRejectedAsync(string reason, long count) =>
            Eventually.TrueAsync(() => Metrics.Total("actornet.connections.rejected", reason) == count, Bound,
                () => $"{count} rejected for {reason}; {Metrics.Total("actornet.connections.rejected", reason)}; log: {Net.Log.Dump()}");

        public async ValueTask DisposeAsync()
        {
            await Net.DisposeAsync();
            Metrics.Dispose();
            Directory.Dispose();
        }
    }

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "192.168.0.1:56324")]
    [InlineData("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", "255.255.255.255:65535")]
    [InlineData("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]
    public async Task The_specifications_v1_examples_make_the_client_they_name_the_stored_peer(string header, string client)
    {
        await using var listener = await Listener.StartAsync("proxy-protocol = v1, trusted-proxies = [ 127.0.0.1 ]");
        using var proxy = await Loopback.ConnectAsync(listener.Port);

        // The header and the first frame in one write: nothing after the header may be lost or taken for it.
        await proxy.SendAsync(header + "first\nsecond\n");

        Assert.Equal(client, (await listener.AwaitRecordAsync("first")).GetProperty("peer").GetString());
        Assert.Equal(client, (await listener.AwaitRecordAsync("second")).GetProperty("peer").GetString());
        Assert.Equal(0, listener.Metrics.Total("actornet.connections.rejected"));
    }

    [Fact]
    public async Task A_v1_header_trickled_a_byte_at_a_time_is_read_whole_and_nothing_past_it()
    {
        await using var listener = await Listener.StartAsync("proxy-protocol = any, trusted-proxies = [ 127.0.0.0/8 ]");
        using var proxy = await Loopback.ConnectAsync(listener.Port);

        var bytes = "PROXY TCP4 203.0.113.7 127.0.0.1 40001 7000\r\nafter the header\n"u8.ToArray();
        foreach (var b in bytes[..40]) await proxy.SendAsync(new[] { b }, SocketFlags.None);
        await proxy.SendAsync(bytes[40..], SocketFlags.None);

        Assert.Equal("203.0.113.7:40001", (await listener.AwaitRecordAsync("after the header")).GetProperty("peer").GetString());
    }

    [Fact]
    public async Task A_v2_header_with_tlvs_and_an_ipv6_client_makes_that_client_the_peer_of_its_records_and_recording()
    {
        using var recordings = new TempDirectory();
        await using var listener = await Listener.StartAsync(
            $"proxy-protocol = v2, trusted-proxies = [ 127.0.0.1 ], record {{ enabled = on, dir = \"{recordings.File("rec")}\" }}");
        using var proxy = await Loopback.ConnectAsync(listener.Port);
        byte[] addresses = [.. IPAddress.Parse("2001:db8::7").GetAddressBytes(), .. IPAddress.Parse("2001:db8::1").GetAddressBytes(), 0xA0, 0x00, 0x1B, 0x58];
        byte[] tlvs = [0x01, 0x00, 0x02, (byte)'h', (byte)'2', 0x04, 0x00, 0x02, 0, 0];

        await proxy.SendAsync(Concat(V2(0x1, 0x21, addresses, tlvs), "v2 frame\n"u8.ToArray()), SocketFlags.None);

        Assert.Equal("[2001:db8::7]:40960", (await listener.AwaitRecordAsync("v2 frame")).GetProperty("peer").GetString());

        // The recording (written through on stop) keeps the client too, and none of the header's bytes: a replay gets the same.
        await listener.Net.StopAsync();
        var events = new ActorNet.Recording.RecordingReader(recordings.File("rec")).Events().ToArray();
        Assert.Contains(events, e => e.Kind == ActorNet.Recording.RecordKind.Open);
        Assert.All(events, e => Assert.Equal("[2001:db8::7]:40960", e.Peer));
        Assert.Equal("v2 frame\n", string.Concat(events.Where(e => e.Kind == ActorNet.Recording.RecordKind.In).Select(e => System.Text.Encoding.ASCII.GetString(e.Data))));
    }

    [Fact]
    public async Task A_v2_tcp4_header_split_before_its_addresses_and_a_local_one_are_both_served()
    {
        await using var listener = await Listener.StartAsync("proxy-protocol = v2, trusted-proxies = [ 127.0.0.1 ]");
        using var proxy = await Loopback.ConnectAsync(listener.Port);
        var header = V2(0x1, 0x11, [198, 51, 100, 23, 127, 0, 0, 1, 0x30, 0x39, 0x1B, 0x58]);
        await proxy.SendAsync(header[..14], SocketFlags.None);
        await proxy.SendAsync(Concat(header[14..], "tcp4\n"u8.ToArray()), SocketFlags.None);
        // LOCAL: the proxy's own check speaks for itself, so its own address is the peer.
        using var check = await Loopback.ConnectAsync(listener.Port);
        await check.SendAsync(Concat(V2(0x0, 0x00, []), "local\n"u8.ToArray()), SocketFlags.None);

        Assert.Equal("198.51.100.23:12345", (await listener.AwaitRecordAsync("tcp4")).GetProperty("peer").GetString());
        Assert.Equal(check.PeerName(), (await listener.AwaitRecordAsync("local")).GetProperty("peer").GetString());
    }

    [Fact]
    public async Task A_header_from_an_address_not_in_trusted_proxies_is_refused_and_counted()
    {
        await using var listener = await Listener.StartAsync("proxy-protocol = v1, trusted-proxies = [ 127.0.0.1 ]");
        using var stranger = await LoopbackPeers.ConnectFromAsync("127.0.0.2", listener.Port);
        await stranger.SendAsync("PROXY TCP4 10.0.0.1 10.0.0.2 1000 2000\r\nsmuggled\n");

        await stranger.AwaitClosedByServerAsync(Bound);
        await listener.AwaitRejectedAsync("untrusted-proxy", 1);

        // The trusted proxy is still served, and nothing of the stranger's was stored.
        using var proxy = await Loopback.ConnectAsync(listener.Port);
        await proxy.SendAsync("PROXY TCP4 10.0.0.3 10.0.0.2 1000 2000\r\ntrusted\n");
        await listener.AwaitRecordAsync("trusted");
        Assert.DoesNotContain(listener.Records(), r => r.GetProperty("payload").GetString() == "smuggled");
    }

    [Fact]
    public async Task A_truncated_header_a_malformed_one_and_one_that_never_completes_are_refused_as_proxy_header()
    {
        await using var listener = await Listener.StartAsync("proxy-protocol = any, trusted-proxies = [ 127.0.0.1 ], proxy-header-timeout = 300ms");

        using (var truncated = await Loopback.ConnectAsync(listener.Port))
        {
            await truncated.SendAsync("PROXY TCP4 10.0.0.1 10.0.");
            truncated.Shutdown(SocketShutdown.Send);
            await truncated.AwaitClosedByServerAsync(Bound);
        }
        await listener.AwaitRejectedAsync("proxy-header", 1);

        using (var plain = await Loopback.ConnectAsync(listener.Port))
        {
            await plain.SendAsync("no header at all\n");
            await plain.AwaitClosedByServerAsync(Bound);
        }
        await listener.AwaitRejectedAsync("proxy-header", 2);

        using (var stalled = await Loopback.ConnectAsync(listener.Port))
        {
            await stalled.SendAsync(V2(0x1, 0x11, [10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2])[..20], SocketFlags.None);
            await stalled.AwaitClosedByServerAsync(Bound);
        }
        await listener.AwaitRejectedAsync("proxy-header", 3);
        Assert.Empty(listener.Records());
    }

    [Fact]
    public async Task Per_ip_limits_count_the_client_the_header_names_not_the_proxy()
    {
        await using var listener = await Listener.StartAsync(
            "proxy-protocol = v1, trusted-proxies = [ 127.0.0.1 ], max-connections-per-ip = 1, deny = [ 192.0.2.66 ]");
        using var first = await Loopback.ConnectAsync(listener.Port);
        await first.SendAsync("PROXY TCP4 192.0.2.1 127.0.0.1 1001 7000\r\none\n");
        await listener.AwaitRecordAsync("one");

        // The same proxy for another client is let in; the same client again is not, nor a denied one.
        using var other = await Loopback.ConnectAsync(listener.Port);
        await other.SendAsync("PROXY TCP4 192.0.2.2 127.0.0.1 1002 7000\r\ntwo\n");
        await listener.AwaitRecordAsync("two");
        using var again = await Loopback.ConnectAsync(listener.Port);
        await again.SendAsync("PROXY TCP4 192.0.2.1 127.0.0.1 1003 7000\r\nthree\n");
        await again.AwaitClosedByServerAsync(Bound);
        using var denied = await Loopback.ConnectAsync(listener.Port);
        await denied.SendAsync("PROXY TCP4 192.0.2.66 127.0.0.1 1004 7000\r\nfour\n");
        await denied.AwaitClosedByServerAsync(Bound);

        // A proxy on a dual-stack socket names IPv4 clients as IPv4-mapped IPv6: the same addresses to the limits.
        using var mapped = await Loopback.ConnectAsync(listener.Port);
        await mapped.SendAsync("PROXY TCP6 ::ffff:192.0.2.1 ::ffff:127.0.0.1 1005 7000\r\nfive\n");
        await mapped.AwaitClosedByServerAsync(Bound);
        using var mappedDenied = await Loopback.ConnectAsync(listener.Port);
        await mappedDenied.SendAsync("PROXY TCP6 ::ffff:192.0.2.66 ::ffff:127.0.0.1 1006 7000\r\nsix\n");
        await mappedDenied.AwaitClosedByServerAsync(Bound);

        Assert.Equal(2, listener.Metrics.Total("actornet.connections.rejected", "per-ip"));
        Assert.Equal(2, listener.Metrics.Total("actornet.connections.rejected", "denied"));
        Assert.Equal(["one", "two"], JsonlRecords.TextPayloads(listener.Frames).Order());
    }
}
