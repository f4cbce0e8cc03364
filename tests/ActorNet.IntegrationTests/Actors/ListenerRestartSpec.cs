using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Support;
using ActorNet.Hosting;
using Akka.Actor;
using Akka.Event;
using Xunit;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>
/// A listener actor restarted under load keeps its connections (its children), and so must keep its promises
/// about them: max-connections still counts them, a single accept is outstanding, and a drain answers once,
/// after every connection finished.
/// </summary>
public sealed class ListenerRestartSpec : ActorNetTestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_listener_killed_three_times_still_holds_max_connections_and_admits_a_peer_once_one_leaves()
    {
        var service = StartWithSecondSource("max-connections = 2");
        var status = service.Status.Source(SourceName)!;
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        await SendAsync(a, "a-1");
        await SendAsync(b, "b-1");
        AwaitAssert(() => Assert.Equal(["a-1", "b-1"], Data.Select(r => r.Payload).Order()), Bound);

        await KillListenerAsync(times: 3);

        var refused = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++) refused.Add(await ConnectAsync());
            foreach (var peer in refused) await peer.AwaitClosedByServerAsync(Bound);
            Assert.Equal(2, status.ConnectionsActive);
            AwaitAssert(() => Assert.Equal(3, status.ConnectionsRejected), Bound);

            // The two admitted before the restarts are still served.
            await SendAsync(a, "a-2");
            await SendAsync(b, "b-2");
            AwaitAssert(() => Assert.Equal(4, Data.Count), Bound);

            // One leaves: exactly one newcomer gets its place.
            a.Close();
            AwaitAssert(() => Assert.Equal(1, status.ConnectionsActive), Bound);
            using var c = await ConnectAsync();
            await SendAsync(c, "c-1");
            AwaitAssert(() => Assert.Contains(Data, r => r.Payload == "c-1"), Bound);
            using var d = await ConnectAsync();
            await d.AwaitClosedByServerAsync(Bound);
            Assert.Equal(2, status.ConnectionsActive);
            Assert.Equal(4, status.ConnectionsRejected);
        }
        finally
        {
            foreach (var peer in refused) peer.Dispose();
        }
    }

    [Fact]
    public async Task A_drain_after_listener_restarts_is_answered_once_after_every_connection_finished()
    {
        Sys.EventStream.SetLogLevel(LogLevel.InfoLevel);
        var infos = CreateTestProbe();
        Sys.EventStream.Subscribe(infos.Ref, typeof(Info));
        var service = StartActorNet("max-connections = 10");
        var peers = new List<Socket>();
        try
        {
            for (var p = 0; p < 3; p++)
            {
                peers.Add(await ConnectAsync());
                await SendAsync(peers[p], $"p{p}-1");
            }
            AwaitAssert(() => Assert.Equal(3, Data.Count), Bound);
            await KillListenerAsync(times: 2);

            await service.DrainAsync(Bound);

            // Drained means every connection finished: each peer has been closed by then.
            Assert.All(peers, peer => Assert.True(peer.IsClosedByServer(), $"{peer.PeerName()} still open after the drain"));
            var drained = infos.ReceiveWhile(TimeSpan.FromMilliseconds(200), m => (Info)m)
                .Count(i => i.Message?.ToString() == $"Source {SourceName} drained");
            Assert.Equal(1, drained);
        }
        finally
        {
            foreach (var peer in peers) peer.Dispose();
        }
    }

    [Fact]
    public async Task A_listener_killed_while_a_proxy_header_is_pending_keeps_it_the_per_ip_counts_and_the_pause()
    {
        var status = StartWithSecondSource(
            "max-connections = 2, on-max-connections = pause, proxy-protocol = v1, trusted-proxies = [ 127.0.0.1 ], max-connections-per-ip = 1")
            .Status.Source(SourceName)!;
        using var a = await ConnectAsync();
        await a.SendAsync("PROXY TCP4 10.0.0.1 127.0.0.1 1001 7000\r\na-1\n"u8.ToArray(), SocketFlags.None);
        AwaitAssert(() => Assert.Equal(["a-1"], Data.Select(r => r.Payload)), Bound);
        using var b = await ConnectAsync();
        await b.SendAsync("PROXY TCP4 10.0"u8.ToArray(), SocketFlags.None);

        await KillListenerAsync(times: 2);

        // One connection and one header pending: max-connections 2 is held, so a third peer waits in the backlog.
        using var c = await ConnectAsync();
        await c.SendAsync("PROXY TCP4 10.0.0.2 127.0.0.1 1003 7000\r\nc-1\n"u8.ToArray(), SocketFlags.None);
        await SendAsync(a, "a-2");
        AwaitAssert(() => Assert.Contains(Data, r => r.Payload == "a-2"), Bound);
        Assert.DoesNotContain(Data, r => r.Payload == "c-1");
        // b's header completes naming a's client: the per-ip count of before the restarts refuses it, which frees the slot c waits for.
        await b.SendAsync(".0.1 127.0.0.1 1002 7000\r\nb-1\n"u8.ToArray(), SocketFlags.None);
        await b.AwaitClosedByServerAsync(Bound);
        AwaitAssert(() => Assert.Equal(["a-1", "a-2", "c-1"], Data.Select(r => r.Payload).Order()), Bound);
        Assert.False(c.IsClosedByServer(), "the peer that waited was closed");
        Assert.Equal(1, status.ConnectionsRejected);
    }

    /// <summary>
    /// The kit's source plus an idle second one with max-connections 2: the process-wide descriptor budget is then the
    /// sum, 4, so only the listener's own count can hold the first source to 2.
    /// </summary>
    private ActorNetService StartWithSecondSource(string sourceBody)
    {
        var options = new ActorNetOptions().AddSinkType("recording", _ => new RecordingSink(Data)).AddSinkType("recording-quarantine", _ => new RecordingSink(Quarantine));
        var config = ActorNetSettings.ParseOverlay($$"""
            actornet {
              sources.{{SourceName}} {
                type = tcp-listen, host = 127.0.0.1, port = {{Port}}
                sinks = [ data ], quarantine = quarantine
                {{sourceBody}}
              }
              sources.{{SourceName}}-idle {
                type = tcp-listen, host = 127.0.0.1, port = {{Loopback.FreePort()}}
                sinks = [ data ], quarantine = quarantine
                max-connections = 2
              }
              sinks.data { type = recording }
              sinks.quarantine { type = recording-quarantine }
            }
            """);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        return ActorNetService.Start(Sys, settings, options, "actornet");
    }

    /// <summary>Kills the listener actor and waits for each restart (Akka logs the kill at Error level).</summary>
    private async Task KillListenerAsync(int times)
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var listener = await Sys.ActorSelection($"/user/actornet/source-{SourceName}").ResolveOne(Bound);
        for (var i = 0; i < times; i++)
        {
            listener.Tell(Kill.Instance);
            errors.FishForMessage<Error>(e => e.Cause is ActorKilledException && e.LogSource.Contains($"source-{SourceName}", StringComparison.Ordinal), Bound);
        }
        // The restarted listener answers: it handles messages again.
        listener.Tell(new Identify("after-kill"), TestActor);
        ExpectMsg<ActorIdentity>(id => "after-kill".Equals(id.MessageId), Bound);
    }

    private static Task SendAsync(Socket socket, string line) => socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(line + "\n"), SocketFlags.None);
}
