using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Hosting.Replay;
using ActorNet.IntegrationTests.Support;
using ActorNet.Recording;
using Xunit;
using Xunit.Abstractions;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>
/// A udp source with recording on, fed by interleaving senders, then its recording replayed at max speed into fresh
/// sinks: each datagram was recorded as one read of its sender and is cut on its own again, so the replay stores the
/// same records (payloads, connection, peer, seq, receivedAt, partial lines quarantined as truncated).
/// </summary>
public sealed class UdpRecordReplaySpec(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const int Senders = 20, DatagramsEach = 30;

    [Fact]
    public async Task Twenty_interleaving_senders_replayed_at_max_give_the_same_records()
    {
        using var live = new TempDirectory();
        using var replayed = new TempDirectory();
        var source = TestConfig.UniqueSourceName("udp-record");
        var port = Loopback.FreePort();
        var recordings = live.File("recordings");
        const string udpKeys = "type = udp, host = \"127.0.0.1\", reply = echo, framing { type = delimiter }";

        var clients = Enumerable.Range(0, Senders).Select(_ => Client()).ToArray();
        var names = clients.Select(c => c.LocalEndPoint!.ToString()!).ToArray();
        try
        {
            await using (var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, live,
                $$"""{{udpKeys}}, record { enabled = on, dir = "{{recordings}}" }""")))
            {
                var target = new IPEndPoint(IPAddress.Loopback, port);
                for (var d = 0; d < DatagramsEach; d++)
                    for (var s = 0; s < Senders; s++)
                        clients[s].SendTo(Datagram(s, d), target);
                await Eventually.TrueAsync(() => RecordedRecords.Read(live).Count >= ExpectedRecords, Bound,
                    () => $"{ExpectedRecords} records stored live; {RecordedRecords.Read(live).Count} so far");
                await actorNet.StopAsync();
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
        var liveRecords = RecordedRecords.Read(live);
        Assert.Equal(ExpectedRecords, liveRecords.Count);
        Assert.Contains(liveRecords, r => r.StartsWith("quarantine", StringComparison.Ordinal) && r.Contains("\"truncated\"", StringComparison.Ordinal));

        // Each datagram is one read of its sender, each echo one write, each sender one connection opened.
        var events = new RecordingReader(recordings).Events().ToArray();
        Assert.Equal(Senders * DatagramsEach, events.Count(e => e.Kind == RecordKind.In));
        Assert.Equal(Senders * DatagramsEach, events.Count(e => e.Kind == RecordKind.Out));
        Assert.Equal(Senders, events.Count(e => e.Kind == RecordKind.Open));
        Assert.Equal(names.Order(), events.Where(e => e.Kind == RecordKind.Open).Select(e => e.Peer).Order());
        var firstPeer = events.First(e => e.Kind == RecordKind.In).Peer;
        Assert.Equal(
            Enumerable.Range(0, DatagramsEach).Select(d => Encoding.UTF8.GetString(Datagram(Array.IndexOf(names, firstPeer), d))),
            events.Where(e => e.Kind == RecordKind.In && e.Peer == firstPeer).Select(e => Encoding.UTF8.GetString(e.Data)));

        var settings = ActorNetSettings.Parse(TestConfig.OneSource(source, port, replayed, udpKeys));
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), recordings, new ReplayOptions(Speed: null)).WaitAsync(Bound);
        output.WriteLine($"replayed {result.Reads} reads, {result.Bytes} bytes, {result.Connections} connections");

        Assert.Empty(result.TornTails);
        Assert.Equal((long)Senders * DatagramsEach, result.Reads);
        Assert.Equal(Senders, result.Connections);
        Assert.Equal(liveRecords, RecordedRecords.Read(replayed));
    }

    /// <summary>Expected: 1 to 3 lines per datagram (60 per sender) and, every fifth datagram, a partial line at its end.</summary>
    private const int ExpectedRecords = Senders * (DatagramsEach / 3 * (1 + 2 + 3) + DatagramsEach / 5);

    private static byte[] Datagram(int sender, int index)
    {
        var text = new StringBuilder();
        for (var line = 0; line <= index % 3; line++) text.Append($"s{sender:D2}-d{index:D2}-l{line}\n");
        if (index % 5 == 4) text.Append($"partial s{sender:D2}-d{index:D2}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Socket Client()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
