using System.Net.Sockets;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.EndToEnd;

/// <summary>
/// framing.on-bad-length = resync over a real socket: a length-prefixed stream whose frames start with AA 55, some of
/// them damaged, loses only the damaged frames, each damaged stretch quarantined once, and the peer stays connected.
/// </summary>
public sealed class LengthFieldResyncSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const int FrameCount = 600;

    private enum Damage
    {
        None,
        OversizeLength,
        MissingMarker,
    }

    [Fact]
    public async Task A_stream_with_corrupted_lengths_loses_only_the_corrupted_frames_and_the_peer_stays_connected()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var source = TestConfig.UniqueSourceName("resync");
        using var metrics = new SourceMetrics(source);
        await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, """
            parser = text
            framing {
              type = length-field
              sync-marker = "AA55"
              length-field-offset = 2
              length-field-length = 2
              max-frame-length = 1 KiB
              on-bad-length = resync
            }
            """));

        // Every 9th frame gets a length over max-frame-length, every 50th loses its marker, and 300-302 are damaged in a row.
        var damages = Enumerable.Range(0, FrameCount).Select(i =>
            i is >= 300 and <= 302 ? Damage.OversizeLength
            : i % 50 == 25 ? Damage.MissingMarker
            : i % 9 == 4 ? Damage.OversizeLength
            : Damage.None).ToArray();
        var stream = new List<byte>();
        for (var i = 0; i < FrameCount; i++) stream.AddRange(Encode(Payload(i), damages[i]));

        using var peer = await Loopback.ConnectAsync(port);
        // Reads of every size from 1 byte to 3 KiB: markers, length fields and damaged stretches straddle reads.
        var random = new Random(14_6);
        var bytes = stream.ToArray();
        for (var position = 0; position < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 3 * 1024), bytes.Length - position);
            await peer.SendAsync(bytes.AsMemory(position, size), SocketFlags.None);
            position += size;
        }

        var expected = Enumerable.Range(0, FrameCount).Where(i => damages[i] == Damage.None).Select(Payload).ToArray();
        var frames = directory.File("frames.jsonl");
        await Eventually.TrueAsync(() => JsonlRecords.Count(frames) >= expected.Length, Bound,
            () => $"{expected.Length} intact frames stored, {JsonlRecords.Count(frames)} so far");
        Assert.Equal(expected, JsonlRecords.TextPayloads(frames));
        Assert.Single(JsonlRecords.Read(frames).Select(r => r.GetProperty("connection").GetInt64()).Distinct());

        var stretches = Stretches(damages);
        var quarantine = directory.File("quarantine.jsonl");
        var rejected = await Eventually.ValueAsync(() => JsonlRecords.Read(quarantine), r => r.Count >= stretches.Count, Bound,
            $"{stretches.Count} damaged stretches quarantined");
        Assert.Equal(stretches, rejected.Select(r => (r.GetProperty("reason").GetString()!, r.GetProperty("rawLength").GetInt64())).ToList());
        Assert.All(rejected, r => Assert.Contains("next sync-marker", r.GetProperty("error").GetString()));
        Assert.Equal(stretches.Count(s => s.Reason == "frame-too-long"), metrics.Total("actornet.frames.quarantined", "frame-too-long"));
        Assert.Equal(stretches.Count(s => s.Reason == "missing-sync-marker"), metrics.Total("actornet.frames.quarantined", "missing-sync-marker"));

        // Still connected: a frame sent now is stored on the same connection.
        Assert.False(peer.IsClosedByServer());
        await peer.SendAsync(Encode("after the damage", Damage.None), SocketFlags.None);
        await Eventually.TrueAsync(() => JsonlRecords.TextPayloads(frames).LastOrDefault() == "after the damage", Bound,
            () => "the frame sent after the damaged stream");
    }

    private static string Payload(int i) => $"frame {i:D4} " + new string((char)('a' + i % 26), i % 40);

    private static byte[] Encode(string payload, Damage damage)
    {
        var body = Encoding.ASCII.GetBytes(payload);
        return damage switch
        {
            Damage.OversizeLength => [0xAA, 0x55, 0x7F, 0xFF, .. body],
            Damage.MissingMarker => [0xAB, 0x55, (byte)(body.Length >> 8), (byte)body.Length, .. body],
            _ => [0xAA, 0x55, (byte)(body.Length >> 8), (byte)body.Length, .. body],
        };
    }

    /// <summary>Per run of damaged frames: the reason of its first frame's damage and its length in bytes.</summary>
    private static List<(string Reason, long Length)> Stretches(Damage[] damages)
    {
        var stretches = new List<(string, long)>();
        for (var i = 0; i < damages.Length; i++)
        {
            if (damages[i] == Damage.None) continue;
            var reason = damages[i] == Damage.OversizeLength ? "frame-too-long" : "missing-sync-marker";
            long length = 0;
            for (; i < damages.Length && damages[i] != Damage.None; i++) length += 4 + Encoding.ASCII.GetByteCount(Payload(i));
            stretches.Add((reason, length));
        }
        return stretches;
    }
}
