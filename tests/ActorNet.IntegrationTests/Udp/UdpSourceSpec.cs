using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Udp;

/// <summary>
/// A <c>type = udp</c> source on a loopback port, fed by real clients (socat, util-linux logger, Python's
/// DatagramHandler) and by plain sockets, seen through its sinks, /api and /metrics.
/// </summary>
public sealed class UdpSourceSpec : HttpTestKit
{

    private Task StartUdpAsync(string keys = "") => StartAsync($"type = udp\nframing {{ type = raw }}\n{keys}");

    private static Socket Client()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private void SendTo(Socket client, string text) => client.SendTo(Encoding.UTF8.GetBytes(text), new IPEndPoint(IPAddress.Loopback, Port));

    private Task AwaitDataAsync(int count) =>
        Eventually.TrueAsync(() => Data.Count >= count, Bound, () => $"{count} records; have {Data.Count}: {string.Join(" | ", Data.Select(r => r.Payload))}");

    private async Task<JsonElement[]> PeersAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/connections"));
        return document.RootElement.GetProperty("connections").EnumerateArray()
            .Where(c => c.GetProperty("source").GetString() == SourceName).Select(c => c.Clone()).ToArray();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        return (process.ExitCode, await output + await error);
    }

    [ProgramFact("socat", "socat")]
    public async Task Stores_a_datagram_sent_by_socat_as_one_frame_with_the_sender_as_peer()
    {
        await StartUdpAsync();

        var (exit, output) = await RunAsync("socat", ["-u", "-", $"UDP:127.0.0.1:{Port}"], "hello from socat");

        Assert.True(exit == 0, output);
        await AwaitDataAsync(1);
        var record = Assert.Single(Data);
        Assert.Equal("hello from socat", record.Payload);
        Assert.Equal(1, record.Seq);
        var peer = Assert.Single(await PeersAsync());
        Assert.Equal(record.Connection, peer.GetProperty("id").GetInt64());
        Assert.StartsWith("127.0.0.1:", peer.GetProperty("peer").GetString());
        Assert.Equal(1, peer.GetProperty("frames").GetInt64());
    }

    [ProgramFact("logger", "bsdutils")]
    public async Task Stores_the_syslog_message_that_util_linux_logger_sends_over_udp()
    {
        await StartUdpAsync();
        var marker = Guid.NewGuid().ToString("N");

        var (exit, output) = await RunAsync("logger", ["-d", "-n", "127.0.0.1", "-P", Port.ToString(), "--rfc5424", "-t", "udp-spec", $"disk full {marker}"]);

        Assert.True(exit == 0, output);
        await AwaitDataAsync(1);
        var payload = Assert.Single(Data).Payload!;
        // RFC 5424: "<PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID SD MSG", one message per datagram.
        Assert.StartsWith("<13>1 ", payload);
        Assert.Contains("udp-spec", payload);
        Assert.EndsWith($"disk full {marker}", payload);
    }

    [ProgramFact("python3", "python3")]
    public async Task Stores_one_record_per_log_call_of_a_python_DatagramHandler()
    {
        // DatagramHandler sends each record as one datagram: a 4-byte big-endian length, then the pickled record.
        await StartAsync("""
            type = udp
            parser = binary
            framing { type = length-field, length-field-length = 4 }
            """);
        var script = $$"""
            import logging, logging.handlers
            log = logging.getLogger("udp-spec")
            log.addHandler(logging.handlers.DatagramHandler("127.0.0.1", {{Port}}))
            log.setLevel(logging.INFO)
            for i in range(5):
                log.info("reading %d of sensor-7", i)
            """;

        var (exit, output) = await RunAsync("python3", ["-c", script]);

        Assert.True(exit == 0, output);
        await AwaitDataAsync(5);
        await Task.Yield();
        Assert.Equal(5, Data.Count);
        Assert.Empty(Quarantine);
        var payloads = Data.OrderBy(r => r.Seq).Select(r => r.Payload!).ToArray();
        for (var i = 0; i < 5; i++) Assert.Contains($"reading {i} of sensor-7", payloads[i]);
        Assert.Equal([1L, 2, 3, 4, 5], Data.Select(r => r.Seq).Order());
    }

    [Fact]
    public async Task Cuts_several_lines_from_one_datagram_and_quarantines_the_partial_line_at_its_end()
    {
        await StartAsync("type = udp\nframing { type = delimiter }");
        using var client = Client();

        SendTo(client, "first\nsecond\nthird without newline");
        SendTo(client, "fourth\n");

        await AwaitDataAsync(3);
        await Eventually.TrueAsync(() => Quarantine.Count == 1, Bound, () => $"one quarantined; have {Quarantine.Count}");
        Assert.Equal(["first", "second", "fourth"], Data.OrderBy(r => r.Seq).Select(r => r.Payload));
        var partial = Assert.Single(Quarantine);
        Assert.Equal("truncated", partial.Reason);
        Assert.Contains("after 21 bytes of an incomplete frame", partial.Error);
        // One peer, numbered in the order its frames came: the partial line took seq 3.
        Assert.Equal([1L, 2, 4], Data.Select(r => r.Seq).Order());
        Assert.Equal(3, partial.Seq);
    }

    [Fact]
    public async Task Quarantines_a_datagram_longer_than_max_frame_length_as_truncated()
    {
        await StartUdpAsync("framing { type = raw, max-frame-length = 100 }");
        using var client = Client();

        SendTo(client, new string('x', 300));
        SendTo(client, "short");

        await AwaitDataAsync(1);
        await Eventually.TrueAsync(() => Quarantine.Count == 1, Bound, () => $"one quarantined; have {Quarantine.Count}");
        Assert.Equal("short", Assert.Single(Data).Payload);
        var oversize = Assert.Single(Quarantine);
        Assert.Equal("truncated", oversize.Reason);
        Assert.Contains("exceeds max-frame-length 100", oversize.Error);
        await AwaitSourceMetricAsync("actornet_frames_quarantined_total", 1, ("reason", "truncated"));
    }

    [Fact]
    public async Task Echoes_each_datagram_to_its_sender()
    {
        await StartUdpAsync("reply = echo");
        using var client = Client();
        client.ReceiveTimeout = (int)Bound.TotalMilliseconds;

        SendTo(client, "ping 1");
        var buffer = new byte[100];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var received = client.ReceiveFrom(buffer, ref from);

        Assert.Equal("ping 1", Encoding.UTF8.GetString(buffer, 0, received));
        Assert.Equal(Port, ((IPEndPoint)from).Port);
    }

    [Fact]
    public async Task Numbers_each_sender_address_from_seq_1_as_a_peer_of_its_own()
    {
        await StartUdpAsync();
        using var a = Client();
        using var b = Client();

        for (var i = 1; i <= 3; i++)
        {
            SendTo(a, $"a{i}");
            SendTo(b, $"b{i}");
        }

        await AwaitDataAsync(6);
        var byConnection = Data.GroupBy(r => r.Connection).ToArray();
        Assert.Equal(2, byConnection.Length);
        foreach (var peer in byConnection)
        {
            var ordered = peer.OrderBy(r => r.Seq).ToArray();
            Assert.Equal([1L, 2, 3], ordered.Select(r => r.Seq));
            var prefix = ordered[0].Payload![0];
            Assert.Equal([$"{prefix}1", $"{prefix}2", $"{prefix}3"], ordered.Select(r => r.Payload));
        }
        var peers = await PeersAsync();
        Assert.Equal(
            new[] { a.LocalEndPoint!.ToString(), b.LocalEndPoint!.ToString() }.Order(),
            peers.Select(p => p.GetProperty("peer").GetString()).Order());
    }

    [Fact]
    public async Task Forgets_the_least_recently_seen_peer_past_max_peers()
    {
        await StartUdpAsync("max-peers = 2");
        using var first = Client();
        using var second = Client();
        using var third = Client();

        SendTo(first, "1");
        await AwaitDataAsync(1);
        SendTo(second, "2");
        await AwaitDataAsync(2);
        SendTo(first, "1 again");
        await AwaitDataAsync(3);
        SendTo(third, "3");
        await AwaitDataAsync(4);

        var peers = await Eventually.ValueAsync(() => PeersAsync().GetAwaiter().GetResult(), p => p.Length == 2, Bound, "two peers listed");
        Assert.Equal(
            new[] { first.LocalEndPoint!.ToString(), third.LocalEndPoint!.ToString() }.Order(),
            peers.Select(p => p.GetProperty("peer").GetString()).Order());
    }

    [Fact]
    public async Task Reports_the_receive_buffer_the_kernel_granted()
    {
        await StartUdpAsync("receive-buffer-size = 64 KiB");

        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/sources"));
        var source = document.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == SourceName);

        Assert.Equal("udp", source.GetProperty("type").GetString());
        Assert.Equal(64 * 1024, source.GetProperty("receiveBufferRequested").GetInt32());
        // Linux doubles the request for its bookkeeping, after clamping it to net.core.rmem_max.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 64 * 1024 };
        Assert.Equal(probe.ReceiveBufferSize, source.GetProperty("receiveBufferGranted").GetInt32());
    }

    [LinuxFact]
    public async Task Counts_in_metrics_exactly_the_datagrams_the_kernel_dropped_while_the_sink_was_stalled()
    {
        // The sink is stalled: the source stops reading at max-inflight-frames, its small receive buffer fills, and
        // the kernel drops the rest. Once the sink goes on, the source reads what the buffer held.
        DataGate = new SemaphoreSlim(0);
        await StartUdpAsync("receive-buffer-size = 4 KiB\nmax-inflight-frames = 4");
        using var client = Client();
        const int sent = 2000;

        for (var i = 0; i < sent; i++) SendTo(client, $"datagram {i:D5} of a flood");
        DataGate.Release();

        var scrape = await PollAsync(ScrapeAsync,
            s => s.Value("actornet_udp_kernel_drops_total", ("source", SourceName)) is { } drops
                && s.Value("actornet_socket_reads_total", ("source", SourceName)) is { } received && drops + received == sent,
            s => $"drops + received = {sent}; drops {s.Value("actornet_udp_kernel_drops_total", ("source", SourceName))}, received {s.Value("actornet_socket_reads_total", ("source", SourceName))}");

        var dropped = scrape.Value("actornet_udp_kernel_drops_total", ("source", SourceName))!.Value;
        var read = scrape.Value("actornet_socket_reads_total", ("source", SourceName))!.Value;
        Assert.True(dropped > 0, $"the flood overflowed the receive buffer (read {read})");
        Assert.Equal(sent - read, dropped);
        await Eventually.TrueAsync(() => Data.Count == (int)read, Bound, () => $"{read} stored; have {Data.Count}");
    }
}
