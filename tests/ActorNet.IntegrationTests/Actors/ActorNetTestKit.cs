using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Hosting;
using Akka.TestKit.Xunit2;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>
/// A TestKit with ActorNet started in its actor system on a free loopback port, records kept by
/// <see cref="RecordingSink"/>s named <c>data</c> and <c>quarantine</c>.
/// </summary>
public abstract class ActorNetTestKit : TestKit
{
    protected ActorNetTestKit() : base(ActorNetService.AkkaHocon)
    {
    }

    protected ConcurrentQueue<SeenRecord> Data { get; } = new();
    protected ConcurrentQueue<SeenRecord> Quarantine { get; } = new();
    // Below the ephemeral range: a port-0 probe's port may be taken as another test's source port before ActorNet binds it.
    protected int Port { get; } = Support.Loopback.FreePort();
    protected string SourceName { get; } = "src" + Guid.NewGuid().ToString("N")[..8];

    /// <param name="sourceBody">Keys of the source.</param>
    /// <param name="topLevel">Keys of the <c>actornet</c> block itself, such as max-buffered-bytes.</param>
    protected ActorNetService StartActorNet(string sourceBody, SemaphoreSlim? dataGate = null, bool consumePermits = false, string topLevel = "")
    {
        var options = new ActorNetOptions()
            .AddSinkType("recording", _ => new RecordingSink(Data, dataGate, consumePermits))
            .AddSinkType("recording-quarantine", _ => new RecordingSink(Quarantine));
        var config = ActorNetSettings.ParseOverlay($$"""
            actornet {
              {{topLevel}}
              sources.{{SourceName}} {
                type = tcp-listen, host = 127.0.0.1, port = {{Port}}
                sinks = [ data ], quarantine = quarantine
                {{sourceBody}}
              }
              sinks.data { type = recording }
              sinks.quarantine { type = recording-quarantine }
            }
            """);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        return ActorNetService.Start(Sys, settings, options, "actornet");
    }

    protected async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return socket;
    }

}
