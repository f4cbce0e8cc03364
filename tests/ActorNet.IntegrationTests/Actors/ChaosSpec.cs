using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Xunit;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>
/// Kills connection actors at random while peers stream, and checks that the listener keeps serving and that
/// every frame is accounted for: delivered once and in order, or (at most one per restart) quarantined.
/// </summary>
public sealed class ChaosSpec : ActorNetTestKit
{
    private const int Peers = 20;
    private const int FramesPerPeer = 5_000;

    [Fact]
    public async Task Killing_connection_actors_at_random_loses_no_frame_silently_and_the_listener_keeps_serving()
    {
        // The data sink writes only as many batches as the kill loop lets it, and few credits per connection keep
        // the rest of the stream in the peers' sockets: kills land while every connection still has data to read.
        var budget = new SemaphoreSlim(0, int.MaxValue);
        StartActorNet("framing { type = delimiter, delimiter = \"\\n\" }\nmax-inflight-frames = 64\nread-buffer-size = 4 KiB\nrestart { max-restarts = 1000, backoff = 1ms }", budget, consumePermits: true);
        var random = new Random(20261122);
        var peers = new List<Socket>();
        for (var p = 0; p < Peers; p++) peers.Add(await ConnectAsync());
        var sending = peers.Select((socket, p) => SendChunkedAsync(socket, p, new Random(p))).ToArray();

        var probe = CreateTestProbe();
        var kills = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Accounted() < Peers * FramesPerPeer && kills < 300 && DateTime.UtcNow < deadline)
        {
            Sys.ActorSelection($"/user/actornet/source-{SourceName}/connection-*").Tell(new Identify(null), probe);
            var alive = probe.ReceiveWhile(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(10), m => (m as ActorIdentity)?.Subject, Peers);
            foreach (var victim in alive.Where(a => a is not null && random.Next(2) == 0))
            {
                victim!.Tell(Kill.Instance);
                kills++;
            }
            budget.Release(Peers * 4);
        }
        budget.Release(int.MaxValue / 2);
        await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(kills > 0, "the test must actually have killed connection actors");

        // Every peer's frames: delivered + lost to a restart = sent. A lost frame ends with exactly one
        // "resynchronised" record (it may have several "restart" records if the actor was killed again while
        // skipping it); a kill that lands between two frames loses nothing and leaves no record.
        AwaitAssert(() =>
        {
            var delivered = Data.GroupBy(r => r.Connection).ToDictionary(g => g.Key, g => g.Count());
            var lost = Quarantine.Where(r => r.Reason == "resynchronised").GroupBy(r => r.Connection).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Peers, delivered.Count);
            foreach (var (connection, count) in delivered)
                Assert.True(FramesPerPeer == count + lost.GetValueOrDefault(connection), Describe(connection, lost.GetValueOrDefault(connection)));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        foreach (var connection in Data.GroupBy(r => r.Connection))
        {
            var indices = connection.Select(r => int.Parse(r.Payload!.Split('-')[1])).ToArray();
            Assert.True(indices.Zip(indices.Skip(1)).All(pair => pair.First < pair.Second), "in order, no duplicates");
            var seqs = connection.Select(r => r.Seq).ToArray();
            Assert.True(seqs.Zip(seqs.Skip(1)).All(pair => pair.First < pair.Second), "seq increases");
        }
        Assert.All(Quarantine, r => Assert.Contains(r.Reason, new[] { "restart", "resynchronised" }));

        // The listener survived all of it: a new peer is served.
        using var late = await ConnectAsync();
        await late.SendAsync("late-0\n"u8.ToArray());
        AwaitAssert(() => Assert.Contains(Data, r => r.Payload == "late-0"));
        foreach (var peer in peers) peer.Dispose();
    }

    private string Describe(long connection, int lost)
    {
        var payloads = Data.Where(r => r.Connection == connection).Select(r => r.Payload!).ToArray();
        var malformed = payloads.Where(p => !p.StartsWith('p') || p.Split('-').Length != 3).Take(3).Select(p => p.Length > 40 ? p[..40] + "..." : p);
        var indices = payloads.Where(p => p.Split('-').Length == 3).Select(p => int.Parse(p.Split('-')[1])).ToArray();
        var duplicates = indices.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).Take(5);
        var missing = Enumerable.Range(0, FramesPerPeer).Except(indices).Take(20);
        var restarts = Quarantine.Where(r => r.Connection == connection).Select(r => $"{r.Seq}:{r.Reason}:{r.Error}").Take(10);
        return $"connection {connection}: delivered {payloads.Length}, lost {lost}; malformed [{string.Join(" | ", malformed)}]; duplicates [{string.Join(",", duplicates)}]; missing [{string.Join(",", missing)}]; quarantine [{string.Join(" | ", restarts)}]";
    }

    private int Accounted() => Data.Count + Quarantine.Count(r => r.Reason == "resynchronised");

    private static async Task SendChunkedAsync(Socket socket, int peer, Random random)
    {
        var text = new StringBuilder();
        for (var i = 0; i < FramesPerPeer; i++) text.Append($"p{peer}-{i}-{new string('x', random.Next(0, 200))}\n");
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(bytes.Length - offset, random.Next(1, 3000));
            await socket.SendAsync(bytes.AsMemory(offset, size));
            offset += size;
        }
    }
}
