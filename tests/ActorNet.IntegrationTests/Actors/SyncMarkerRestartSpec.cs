using System.Text;
using Akka.Actor;
using Xunit;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>With a sync-marker, length-field framing can find the next frame after a restart lost a partial one.</summary>
public sealed class SyncMarkerRestartSpec : ActorNetTestKit
{
    [Fact]
    public async Task A_connection_actor_restarted_mid_frame_skips_to_the_next_marker_instead_of_closing_its_peer()
    {
        using var bytesRead = new MetricTotal("actornet.bytes.received", SourceName);
        StartActorNet("""
            framing { type = length-field, sync-marker = "AA55", length-field-offset = 2, length-field-length = 2, max-frame-length = 1 KiB }
            restart.backoff = 10ms
            """);
        using var peer = await ConnectAsync();

        await peer.SendAsync(Marked("first"));
        AwaitAssert(() => Assert.Single(Data));

        // Half a frame sits in the actor when it fails.
        var interrupted = Marked("interrupted");
        await peer.SendAsync(interrupted[..6]);
        AwaitAssert(() => Assert.Equal(Marked("first").Length + 6, bytesRead.Total));
        var connection = await Sys.ActorSelection($"/user/actornet/source-{SourceName}/connection-*").ResolveOne(TimeSpan.FromSeconds(3));
        connection.Tell(Kill.Instance);

        byte[] rest = [.. interrupted[6..], .. Marked("second"), .. Marked("third")];
        await peer.SendAsync(rest);
        AwaitAssert(() => Assert.Equal(3, Data.Count), TimeSpan.FromSeconds(5));

        Assert.Equal(["first", "second", "third"], Data.Select(r => r.Payload));
        Assert.Single(Data.Select(r => r.Connection).Distinct());
        // The lost half and the rest of its frame, skipped up to the next marker, are both quarantined.
        AwaitAssert(() => Assert.Equal(["restart", "resynchronised"], Quarantine.Select(r => r.Reason)));
        Assert.Contains($"skipped {interrupted.Length - 6} bytes", Quarantine.Last().Error);
        Assert.True(peer.Connected);
    }

    private static byte[] Marked(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [0xAA, 0x55, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];
    }
}
