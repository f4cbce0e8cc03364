using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Support;
using ActorNet.Hosting;
using ActorNet.Sinks;
using Akka.Actor;
using Akka.Event;
using Xunit;

namespace ActorNet.IntegrationTests.Storage;

/// <summary>
/// A drain (a graceful shutdown) while a sink cannot write: what was read is spooled at stop, past max-spool-size if
/// need be, and written before anything new at the next start; without a spool the loss is logged, never silent.
/// </summary>
public sealed partial class ShutdownDuringOutageSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // 199 bytes of payload and a newline: 20,000 lines a peer are ~4 MB, far past a 1 MiB spool.
    private const int PayloadLength = 199;
    private const long MaxSpool = 1024 * 1024;

    [Fact]
    public async Task Frames_read_while_the_sink_is_down_survive_a_drain_in_the_spool_and_are_written_first_at_the_next_start()
    {
        const int linesPerPeer = 20_000, beforeOutage = 100, newLines = 1_000;
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("drain-outage");
        var port = Loopback.FreePort();
        var spool = directory.File("spool");
        var store = new SwitchableStore();
        var settings = Settings(source, port, directory, spoolDir: spool);

        // First run: some lines written, then the store goes down and the rest is read into the spool and memory.
        var first = Run.Start("drain-outage-1", settings, store);
        try
        {
            var sink = first.Service.Status.Sink("db")!;
            var peers = new[] { await Loopback.ConnectAsync(port), await Loopback.ConnectAsync(port) };
            try
            {
                await Task.WhenAll(peers.Select((peer, p) => SendLinesAsync(peer, p, 1, beforeOutage)));
                await Eventually.TrueAsync(() => store.Count == 2 * beforeOutage, Bound,
                    () => $"{store.Count} of {2 * beforeOutage} lines written before the outage");

                store.Down = true;
                await Task.WhenAll(peers.Select((peer, p) => SendLinesAsync(peer, p, beforeOutage + 1, linesPerPeer))).WaitAsync(Bound);
                var source0 = first.Service.Status.Sources[0];
                await Eventually.TrueAsync(() => source0.FramesReceived == 2 * linesPerPeer, Bound,
                    () => $"every line read; {source0.FramesReceived} of {2 * linesPerPeer} so far");
                const int outageFrames = 2 * (linesPerPeer - beforeOutage);
                await Eventually.TrueAsync(() => sink.BacklogFrames == outageFrames, Bound,
                    () => $"every line read in the outage in the sink's backlog; backlog {sink.BacklogFrames}, spool {sink.SpoolBytes} bytes");

                Assert.True(store.Failures > 0, "the sink was never asked to write while down");
                Assert.Equal(2 * beforeOutage, store.Count);
                Assert.InRange(sink.SpoolBytes, MaxSpool / 2, MaxSpool);
                // A spooled frame takes more than its payload on disk, so the spool holds fewer frames than this:
                // the rest of the backlog waits in memory, unacknowledged, and only the stop can spool it.
                Assert.True(sink.BacklogFrames > sink.SpoolBytes / PayloadLength,
                    $"some batches are held in memory: backlog {sink.BacklogFrames} frames, spool {sink.SpoolBytes} bytes");

                await first.Service.DrainAsync(Bound);
            }
            finally
            {
                foreach (var peer in peers) peer.Dispose();
            }
            await Eventually.TrueAsync(() => first.Logged("stopped during an outage"), Bound,
                () => $"a warning that the held batches were spooled at stop; logged:\n{first.Dump()}");
        }
        finally
        {
            await first.DisposeAsync();
        }

        var segments = SpoolSegments(spool);
        Assert.NotEmpty(segments);
        var onDisk = segments.Sum(s => new FileInfo(s).Length);
        Assert.True(onDisk >= 2L * (linesPerPeer - beforeOutage) * PayloadLength,
            $"every line of the outage is on disk, past max-spool-size: {onDisk} bytes in {segments.Length} segment(s)");
        Assert.Equal(2 * beforeOutage, store.Count);

        // Second run, store up: a third peer sends at once; the spool must be written before its lines.
        store.Down = false;
        var second = Run.Start("drain-outage-2", settings, store);
        try
        {
            using var third = await Loopback.ConnectAsync(port);
            await SendLinesAsync(third, 2, 1, newLines).WaitAsync(Bound);
            const int total = 2 * linesPerPeer + newLines;
            await Eventually.TrueAsync(() => store.Count >= total && SpoolSegments(spool).Length == 0, Bound,
                () => $"{store.Count} of {total} lines written, {SpoolSegments(spool).Length} spool segment(s) left");
            Assert.True(second.Logged("writing them before anything new"), $"the replay at start was announced; logged:\n{second.Dump()}");
            await second.Service.DrainAsync(Bound);
        }
        finally
        {
            await second.DisposeAsync();
        }

        var written = store.Stored;
        Assert.Equal(2 * linesPerPeer + newLines, written.Count);
        AssertPeerWrittenInOrder(written, 0, linesPerPeer);
        AssertPeerWrittenInOrder(written, 1, linesPerPeer);
        AssertPeerWrittenInOrder(written, 2, newLines);
        var lastOld = written.FindLastIndex(w => !w.Payload.StartsWith("peer2 ", StringComparison.Ordinal));
        var firstNew = written.FindIndex(w => w.Payload.StartsWith("peer2 ", StringComparison.Ordinal));
        Assert.True(lastOld < firstNew,
            $"every line of the first run is written before the second run's: the last at #{lastOld} ({written[lastOld].Payload[..18]}), " +
            $"the first new one at #{firstNew}");
        Assert.Empty(SpoolSegments(spool));
    }

    [Fact]
    public async Task Without_a_spool_a_drain_during_an_outage_logs_what_it_could_not_write()
    {
        const int linesPerPeer = 500;
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("drain-nospool");
        var port = Loopback.FreePort();
        var store = new SwitchableStore { Down = true };

        var run = Run.Start("drain-nospool", Settings(source, port, directory, spoolDir: null), store);
        try
        {
            var sink = run.Service.Status.Sink("db")!;
            var peers = new[] { await Loopback.ConnectAsync(port), await Loopback.ConnectAsync(port) };
            try
            {
                await Task.WhenAll(peers.Select((peer, p) => SendLinesAsync(peer, p, 1, linesPerPeer))).WaitAsync(Bound);
                await Eventually.TrueAsync(() => sink.BacklogFrames == 2 * linesPerPeer, Bound,
                    () => $"every line held by the sink; backlog {sink.BacklogFrames}, read {run.Service.Status.Sources[0].FramesReceived}");
                Assert.True(store.Failures > 0, "the sink was never asked to write while down");

                // Bounded: a drain must not wait for a store that is down.
                await run.Service.DrainAsync(Bound);
            }
            finally
            {
                foreach (var peer in peers) peer.Dispose();
            }

            var line = await Eventually.ValueAsync(() => run.Lines("has no spool").FirstOrDefault(), l => l is not null, Bound,
                $"an error naming what the sink could not write; logged:\n{run.Dump()}");
            var match = LossPattern().Match(line!);
            Assert.True(match.Success, $"the loss names its batches and frames: \"{line}\"");
            Assert.StartsWith("Error", line, StringComparison.Ordinal);
            Assert.InRange(int.Parse(match.Groups["batches"].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 2 * linesPerPeer);
            Assert.Equal(2 * linesPerPeer, long.Parse(match.Groups["frames"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await run.DisposeAsync();
        }
        Assert.Equal(0, store.Count);
    }

    [GeneratedRegex(@"Sink db stopped with (?<batches>\d+) batches \((?<frames>\d+) frames\) it could not write")]
    private static partial Regex LossPattern();

    /// <summary>Peer <paramref name="peer"/>'s line <paramref name="line"/>: "peerP line NNNNNN " padded with x.</summary>
    private static string Payload(int peer, int line) => $"peer{peer} line {line:D6} ".PadRight(PayloadLength, 'x');

    /// <summary>Lines <paramref name="from"/>..<paramref name="to"/> of a peer, 64 KiB a send.</summary>
    private static async Task SendLinesAsync(Socket socket, int peer, int from, int to)
    {
        var chunk = new List<byte>(64 * 1024 + PayloadLength + 1);
        for (var line = from; line <= to; line++)
        {
            chunk.AddRange(Encoding.ASCII.GetBytes(Payload(peer, line)));
            chunk.Add((byte)'\n');
            if (chunk.Count < 64 * 1024 && line < to) continue;
            var bytes = chunk.ToArray();
            for (var sent = 0; sent < bytes.Length;) sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
            chunk.Clear();
        }
    }

    /// <summary>The peer's lines 1..<paramref name="lines"/>, each once, in seq order, on one connection.</summary>
    private static void AssertPeerWrittenInOrder(List<StoredFrame> written, int peer, int lines)
    {
        var mine = written.Where(w => w.Payload.StartsWith($"peer{peer} ", StringComparison.Ordinal)).ToList();
        Assert.Single(mine.Select(w => w.Connection).Distinct());
        Assert.Equal(Enumerable.Range(1, lines).Select(i => (long)i), mine.Select(w => w.Seq));
        for (var i = 0; i < mine.Count; i++)
            Assert.True(mine[i].Payload == Payload(peer, i + 1), $"peer {peer} seq {mine[i].Seq}: \"{mine[i].Payload[..18]}...\"");
    }

    private static string[] SpoolSegments(string spool) =>
        Directory.Exists(spool) ? Directory.GetFiles(spool, "*.seg", SearchOption.AllDirectories) : [];

    /// <summary>One source of text lines into sink <c>db</c> (a <see cref="SwitchableSink"/>), quarantine to jsonl.</summary>
    private static string Settings(string source, int port, TempDirectory directory, string? spoolDir) => $$"""
        actornet {
          sources.{{source}} {
            type = tcp-listen, host = 127.0.0.1, port = {{port}}
            parser = text
            sinks = [ db ]
            quarantine = rejects
            # Past the spool's limit, so that the sink holds batches in memory and the stop has to spool them.
            max-inflight-frames = 50000
            max-inflight-bytes = 64 MiB
          }
          sinks.db {
            type = recording
            {{(spoolDir is null ? "" : $"spool-dir = \"{spoolDir}\", max-spool-size = 1 MiB")}}
          }
          sinks.rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 100ms }
        }
        """;

    /// <summary>ActorNet on an ActorSystem of its own, with the system's warnings and errors kept.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly ActorSystem _system;
        private readonly ConcurrentQueue<string> _log;

        private Run(ActorSystem system, ActorNetService service, ConcurrentQueue<string> log)
        {
            _system = system;
            Service = service;
            _log = log;
        }

        public ActorNetService Service { get; }

        public static Run Start(string name, string hocon, SwitchableStore store)
        {
            var options = new ActorNetOptions().AddSinkType("recording", _ => new SwitchableSink(store));
            var settings = ActorNetSettings.Create(ActorNetSettings.ParseOverlay(hocon), options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
            var system = ActorSystem.Create(name, ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING");
            try
            {
                var log = new ConcurrentQueue<string>();
                // Subscribed before ActorNet starts: nothing it logs can be missed.
                system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new LogRecorder(log)), "log-recorder"), typeof(LogEvent));
                return new Run(system, ActorNetService.Start(system, settings, options), log);
            }
            catch
            {
                system.Terminate().Wait(Bound);
                throw;
            }
        }

        public IEnumerable<string> Lines(string text) => _log.Where(l => l.Contains(text, StringComparison.Ordinal));

        public bool Logged(string text) => Lines(text).Any();

        public string Dump() => string.Join(Environment.NewLine, _log);

        public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Bound);
    }

    private sealed class LogRecorder : ReceiveActor
    {
        public LogRecorder(ConcurrentQueue<string> log) => Receive<LogEvent>(e => log.Enqueue($"{e.LogLevel()} {e.Message}"));
    }
}
