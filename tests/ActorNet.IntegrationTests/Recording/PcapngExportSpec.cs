using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Recording;

/// <summary><c>actornet record export --pcapng</c> opened by Debian's tshark: each read and write with its ports and bytes.</summary>
public sealed class PcapngExportSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [TsharkFact]
    public async Task Tshark_reads_the_export_with_the_right_ports_and_payloads()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("record-pcap");
        var port = Loopback.FreePort();
        var recordings = directory.File("recordings");
        int peerPort;
        await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            $$"""reply = echo, record { enabled = on, dir = "{{recordings}}" }""")))
        {
            using var socket = await Loopback.ConnectAsync(port);
            peerPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
            await socket.SendAsync("hello\n"u8.ToArray(), SocketFlags.None);
            // The echo coming back means the first read was recorded before the second is sent: two reads.
            var echo = new byte[6];
            for (var got = 0; got < echo.Length;) got += await socket.ReceiveAsync(echo.AsMemory(got), SocketFlags.None);
            await socket.SendAsync("world\n"u8.ToArray(), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            await socket.AwaitClosedByServerAsync(Bound);
            await actorNet.StopAsync();
        }

        var pcapng = directory.File("out.pcapng");
        using (var export = ActorNetProcess.Start(directory.Path, "record", "export", recordings, "--pcapng", pcapng))
        {
            Assert.Equal(0, await export.WaitForExitAsync(Bound));
            Assert.Contains("wrote 4 packets", export.Stdout, StringComparison.Ordinal);
        }

        var fields = await TsharkAsync(pcapng, "exported_pdu.ipv4_src", "exported_pdu.src_port", "exported_pdu.ipv4_dst",
            "exported_pdu.dst_port", "data.data");
        output.WriteLine(string.Join(Environment.NewLine, fields));
        Assert.Equal(
        [
            $"127.0.0.1\t{peerPort}\t127.0.0.1\t{port}\t{Hex("hello\n")}",
            $"127.0.0.1\t{port}\t127.0.0.1\t{peerPort}\t{Hex("hello\n")}",
            $"127.0.0.1\t{peerPort}\t127.0.0.1\t{port}\t{Hex("world\n")}",
            $"127.0.0.1\t{port}\t127.0.0.1\t{peerPort}\t{Hex("world\n")}",
        ], fields);
    }

    [TsharkFact]
    public async Task A_udp_sources_datagrams_and_echoes_are_tagged_udp_and_a_tcp_connections_reads_tcp()
    {
        using var directory = new TempDirectory();
        var udpSource = TestConfig.UniqueSourceName("record-pcap-udp");
        var udpPort = Loopback.FreePort();
        var recordings = directory.File("recordings");
        int senderPort;
        await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(udpSource, udpPort, directory,
            $$"""type = udp, host = "127.0.0.1", reply = echo, framing { type = raw }, record { enabled = on, dir = "{{recordings}}" }""")))
        {
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            senderPort = ((IPEndPoint)sender.LocalEndPoint!).Port;
            sender.ReceiveTimeout = (int)Bound.TotalMilliseconds;
            sender.SendTo("ping"u8, new IPEndPoint(IPAddress.Loopback, udpPort));
            // The echo coming back means the datagram and the echo were both recorded.
            var echo = new byte[16];
            Assert.Equal(4, sender.Receive(echo));
            await actorNet.StopAsync();
        }

        var pcapng = directory.File("udp.pcapng");
        Assert.Equal(2, ActorNet.Recording.Export.RecordingExport.ToPcapng(recordings, pcapng).Packets);
        var fields = await TsharkAsync(pcapng, "exported_pdu.port_type", "exported_pdu.src_port", "exported_pdu.dst_port", "data.data");
        output.WriteLine(string.Join(Environment.NewLine, fields));
        // Wireshark's port types: 2 TCP, 3 UDP.
        Assert.Equal([$"3\t{senderPort}\t{udpPort}\t{Hex("ping")}", $"3\t{udpPort}\t{senderPort}\t{Hex("ping")}"], fields);

        // A TCP connection's packets of the same export code path stay TCP.
        var tcpFields = await TsharkAsync(await RecordOneTcpLineAsync(directory), "exported_pdu.port_type");
        Assert.Equal(["2"], tcpFields);
    }

    private static async Task<string> RecordOneTcpLineAsync(TempDirectory directory)
    {
        var source = TestConfig.UniqueSourceName("record-pcap-tcp");
        var port = Loopback.FreePort();
        var recordings = directory.File("tcp-recordings");
        await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            $$"""record { enabled = on, dir = "{{recordings}}" }""")))
        {
            using var socket = await Loopback.ConnectAsync(port);
            await socket.SendAsync("one\n"u8.ToArray(), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            await socket.AwaitClosedByServerAsync(Bound);
            await actorNet.StopAsync();
        }
        var pcapng = directory.File("tcp.pcapng");
        Assert.Equal(1, ActorNet.Recording.Export.RecordingExport.ToPcapng(recordings, pcapng).Packets);
        return pcapng;
    }

    [TsharkFact]
    public async Task The_first_packet_of_an_mTLS_connection_carries_the_client_certificates_subject_as_its_comment()
    {
        using var directory = new TempDirectory();
        using var tls = new Connections.MutualTlsFiles(directory);
        using var device = tls.Client("device-17");
        var source = TestConfig.UniqueSourceName("record-pcap-tls");
        var port = Loopback.FreePort();
        var recordings = directory.File("recordings");
        await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            $$"""{{tls.TlsBlock("optional")}} record { enabled = on, dir = "{{recordings}}" }""")))
        {
            await using (var signed = await Connections.TlsPeer.ConnectAsync(port, tls.Server, device))
            {
                await signed.SendLinesAsync("signed");
                await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 1, Bound);
                await signed.SendLinesAsync("signed again");
                await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 2, Bound);
            }
            await using (var anonymous = await Connections.TlsPeer.ConnectAsync(port, tls.Server))
            {
                await anonymous.SendLinesAsync("anonymous");
                await Eventually.TrueAsync(() => JsonlRecords.Count(directory.File("frames.jsonl")) == 3, Bound);
            }
            await actorNet.StopAsync();
        }

        var pcapng = directory.File("out.pcapng");
        Assert.Equal(3, ActorNet.Recording.Export.RecordingExport.ToPcapng(recordings, pcapng).Packets);

        var fields = await TsharkAsync(pcapng, "data.data", "frame.comment");
        output.WriteLine(string.Join(Environment.NewLine, fields));
        Assert.Equal([$"{Hex("signed\n")}\tclient certificate: CN=device-17", Hex("signed again\n"), Hex("anonymous\n")],
            fields.Select(f => f.TrimEnd('\t')));
    }

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));

    private static async Task<string[]> TsharkAsync(string file, params string[] fields)
    {
        var start = new ProcessStartInfo(TsharkFactAttribute.Path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-r", file, "-T", "fields" }.Concat(fields.SelectMany(f => new[] { "-e", f })))
            start.ArgumentList.Add(argument);
        using var tshark = Process.Start(start)!;
        var stdout = tshark.StandardOutput.ReadToEndAsync();
        var stderr = tshark.StandardError.ReadToEndAsync();
        await tshark.WaitForExitAsync().WaitAsync(Bound);
        Assert.True(tshark.ExitCode == 0, $"tshark exited with {tshark.ExitCode}: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
