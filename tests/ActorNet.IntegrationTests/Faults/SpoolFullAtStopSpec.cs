using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Storage;
using ActorNet.IntegrationTests.Support;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.IntegrationTests.Faults;

/// <summary>
/// A drain while the store is down and the spool's disk is full: what the spool cannot take is lost, and ActorNet
/// must say so with its count, never report it as spooled (it once ignored the spool's refusal and logged every
/// held batch as spooled).
/// </summary>
public sealed partial class SpoolFullAtStopSpec() : TestKit(ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [ScratchFilesystemFact]
    public async Task Batches_a_full_spool_cannot_take_at_stop_are_counted_as_lost_and_the_rest_as_spooled()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        using var spool = ScratchFilesystem.Mount(256 * 1024);
        var store = new SwitchableStore { Down = true };
        var port = Loopback.FreePort();
        var options = new ActorNetOptions().AddSinkType("switchable", _ => new SwitchableSink(store));
        var settings = ActorNetSettings.Create(ActorNetSettings.ParseOverlay($$"""
            actornet {
              sources.full-at-stop {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                parser = text, sinks = [ db ], quarantine = db
                max-inflight-frames = 100000, max-inflight-bytes = 64 MiB
              }
              sinks.db { type = switchable, spool-dir = "{{spool.Path}}", max-spool-size = 64 MiB }
            }
            """), options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        var service = ActorNetService.Start(Sys, settings, options, "actornet");
        var sink = service.Status.Sink("db")!;

        // ~1.2 MB of lines into a 256 KiB disk: the spool fills, the rest is held in memory.
        const int lines = 12_000;
        using (var peer = await Loopback.ConnectAsync(port))
        {
            var payload = new StringBuilder();
            for (var i = 1; i <= lines; i++) payload.Append($"line {i:D6} ").Append('x', 88).Append('\n');
            await peer.SendAsync(Encoding.ASCII.GetBytes(payload.ToString()), SocketFlags.None);
            await Eventually.TrueAsync(() => sink.BacklogFrames == lines, Bound, () => $"backlog {sink.BacklogFrames} of {lines}");
        }
        errors.FishForMessage<Error>(e => e.Message?.ToString()?.Contains("could not spool a batch", StringComparison.Ordinal) == true, Bound);

        await service.DrainAsync(Bound);

        var lost = errors.FishForMessage<Error>(e => LostPattern().IsMatch(e.Message?.ToString() ?? ""), Bound);
        var lostFrames = long.Parse(LostPattern().Match(lost.Message!.ToString()!).Groups["frames"].Value);
        Assert.InRange(lostFrames, 1, lines - 1);
        // What the spool took before its disk filled is still there, readable; with the loss it is every frame held.
        using var reopened = new ActorNet.Sinks.Spool.SinkSpool(Path.Combine(spool.Path, "db"), 64L * 1024 * 1024);
        Assert.True(reopened.Frames > 0, "the spool took some frames before its disk filled");
        Assert.Equal(lines, reopened.Frames + lostFrames);
        Assert.Equal(0, reopened.DroppedAtOpen);
        Assert.Equal(0, store.Count);
    }

    [GeneratedRegex(@"could not spool \d+ batches \((?<frames>\d+) frames\): they are lost")]
    private static partial Regex LostPattern();
}
