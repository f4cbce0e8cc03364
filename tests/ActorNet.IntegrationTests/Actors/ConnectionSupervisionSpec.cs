using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Xunit;

namespace ActorNet.IntegrationTests.Actors;

public sealed class ConnectionSupervisionSpec : ActorNetTestKit
{
    [Fact]
    public async Task A_connection_actor_that_fails_is_restarted_and_keeps_reading_its_peer()
    {
        using var bytesRead = new MetricTotal("actornet.bytes.received", SourceName);
        StartActorNet("framing { type = delimiter, delimiter = \"\\n\" }\nrestart.backoff = 10ms");
        using var peer = await ConnectAsync();

        await peer.SendAsync("first\n"u8.ToArray());
        AwaitAssert(() => Assert.Single(Data));

        // A partial frame sits in the actor when it fails: it cannot be trusted after the restart.
        await peer.SendAsync("part"u8.ToArray());
        AwaitAssert(() => Assert.Equal(10, bytesRead.Total));
        var connection = await Sys.ActorSelection($"/user/actornet/source-{SourceName}/connection-*").ResolveOne(TimeSpan.FromSeconds(3));
        Watch(connection);
        connection.Tell(Kill.Instance);

        await peer.SendAsync("ial\nsecond\nthird\n"u8.ToArray());
        AwaitAssert(() => Assert.Equal(3, Data.Count), TimeSpan.FromSeconds(5));

        var records = Data.ToArray();
        Assert.Equal(["first", "second", "third"], records.Select(r => r.Payload));
        Assert.Single(records.Select(r => r.Connection).Distinct());
        Assert.True(records[1].Seq > records[0].Seq && records[2].Seq == records[1].Seq + 1, "seq keeps counting across the restart");

        // The lost partial and the bytes skipped to resynchronise are quarantined, not silently dropped.
        AwaitAssert(() => Assert.Equal(["restart", "resynchronised"], Quarantine.Select(r => r.Reason)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the restarted actor must not have stopped
        Assert.True(peer.Connected);
    }

    [Fact]
    public async Task A_bad_length_field_closes_only_its_own_peer()
    {
        StartActorNet("framing { type = length-field, length-field-length = 2, max-frame-length = 1 KiB }\nparser = binary");
        using var good = await ConnectAsync();
        using var bad = await ConnectAsync();

        await good.SendAsync(LengthFramed("one"));
        AwaitAssert(() => Assert.Single(Data));

        // 0xFFFF = 65535 bytes: past max-frame-length, and a length-field stream cannot be resynchronised.
        await bad.SendAsync(new byte[] { 0xFF, 0xFF, 1, 2, 3 });
        var buffer = new byte[16];
        var read = await bad.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, read);

        await good.SendAsync(LengthFramed("two"));
        AwaitAssert(() => Assert.Equal(2, Data.Count));
        Assert.Equal(["one", "two"], Data.Select(r => r.Payload));
        // The bad peer's rejection travels its own connection's way to the quarantine: it need not be there before
        // the good peer's second frame.
        AwaitAssert(() =>
        {
            var rejected = Assert.Single(Quarantine);
            Assert.Equal("frame-too-long", rejected.Reason);
            Assert.Contains("65537", rejected.Error);
        }, TimeSpan.FromSeconds(5));
    }

    private static byte[] LengthFramed(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [(byte)(payload.Length >> 8), (byte)payload.Length, .. payload];
    }
}
