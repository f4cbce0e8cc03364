using System.Net.Sockets;
using System.Text;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Support;
using ActorNet.Parsing;
using ActorNet.Hosting;
using Akka.Actor;
using Xunit;

namespace ActorNet.IntegrationTests.Storage;

/// <summary>
/// The edges of ack.enabled: the last <c>ACK n</c> reaches a peer that half-closes and every peer at a drain, and a
/// batch lost on its way to a sink is never acknowledged past.
/// </summary>
public sealed class FinalAckSpec : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();
    private readonly ActorSystem _system = ActorSystem.Create("final-ack", ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING");
    private readonly int _port = Loopback.FreePort();
    private ActorNetService _service = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_peer_that_half_closes_gets_the_last_ack_before_the_connection_closes()
    {
        // A flush interval far longer than the peer takes: the last frames are committed well after its EOF.
        Start("sinks = [ file ], quarantine = file", "flush-interval = 1s");
        using var peer = await Loopback.ConnectAsync(_port);

        await SendAsync(peer, Enumerable.Range(1, 500).Select(i => $"line {i}"));
        peer.Shutdown(SocketShutdown.Send);
        var acks = await ReadAcksUntilClosedAsync(peer);

        Assert.NotEmpty(acks);
        Assert.Equal(500, acks[^1]);
        Assert.Equal(acks.Order(), acks);
    }

    [Fact]
    public async Task Every_peer_gets_its_last_ack_at_a_drain()
    {
        Start("sinks = [ file ], quarantine = file", "flush-interval = 1s");
        using var first = await Loopback.ConnectAsync(_port);
        using var second = await Loopback.ConnectAsync(_port);
        await SendAsync(first, Enumerable.Range(1, 300).Select(i => $"first {i}"));
        await SendAsync(second, Enumerable.Range(1, 200).Select(i => $"second {i}"));
        await Eventually.TrueAsync(() => _service.Status.Sources[0].FramesReceived == 500, Bound,
            () => $"every frame read; {_service.Status.Sources[0].FramesReceived} so far");

        var drained = _service.DrainAsync(Bound);
        var firstAcks = await ReadAcksUntilClosedAsync(first);
        var secondAcks = await ReadAcksUntilClosedAsync(second);
        await drained;

        Assert.Equal(300, firstAcks[^1]);
        Assert.Equal(200, secondAcks[^1]);
    }

    [Fact]
    public async Task A_batch_lost_before_a_sink_is_never_acknowledged_past_and_the_peer_is_closed()
    {
        Start("sinks = [ file ], quarantine = file, parser = fails-on-boom", "flush-interval = 100ms");
        using var peer = await Loopback.ConnectAsync(_port);
        var connection = await Eventually.ValueAsync(() => _service.Status.Connections.FirstOrDefault(), c => c is not null, Bound, "the connection");

        await SendAsync(peer, ["a", "b", "c"]);
        while (await ReadAckAsync(peer) < 3)
        {
        }

        // The parser actor throws on this batch and restarts: the batch never reaches the sink.
        await SendAsync(peer, ["boom"]);
        await Eventually.TrueAsync(() => connection!.FramesReceived == 4, Bound, () => $"the bad batch read; {connection!.FramesReceived} frames");
        await SendAsync(peer, ["d"]);

        var later = await ReadAcksUntilClosedAsync(peer);
        Assert.Empty(later);
        Assert.Equal(3, connection!.LastAcked);
        await Eventually.TrueAsync(() => _service.Status.Connection(connection.Id) is null, Bound, () => "the connection closed");
    }

    private void Start(string sourceKeys, string sinkKeys)
    {
        var options = new ActorNetOptions().AddParser("fails-on-boom", () => new FailsOnBoomParser());
        var config = ActorNetSettings.ParseOverlay($$"""
            actornet {
              sources.acked {
                type = tcp-listen, host = 127.0.0.1, port = {{_port}}
                ack.enabled = on
                {{sourceKeys}}
              }
              sinks.file { type = jsonl, path = "{{_directory.File("frames.jsonl")}}", {{sinkKeys}} }
            }
            """);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        _service = ActorNetService.Start(_system, settings, options);
    }

    private static async Task SendAsync(Socket socket, IEnumerable<string> lines)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        for (var sent = 0; sent < bytes.Length;) sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    private static async Task<long> ReadAckAsync(Socket socket)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0) throw new InvalidOperationException("closed before an ACK");
            if (one[0] == '\n') return ParseAck(line.ToString());
            line.Append((char)one[0]);
        }
    }

    /// <summary>Every <c>ACK n</c> until ActorNet closes the connection (bounded).</summary>
    private static async Task<List<long>> ReadAcksUntilClosedAsync(Socket socket)
    {
        var acks = new List<long>();
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Bound);
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        var all = text.ToString();
        Assert.True(all.Length == 0 || all.EndsWith('\n'), $"ACK lines are whole: \"{all}\"");
        acks.AddRange(all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseAck));
        return acks;
    }

    private static long ParseAck(string line)
    {
        Assert.StartsWith("ACK ", line);
        return long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A text parser with a bug: its whole-read check throws on a read that contains "boom".</summary>
    private sealed class FailsOnBoomParser : IFrameParser, IFrameValidator
    {
        private readonly TextParser _text = new();

        public PayloadFormat Format => PayloadFormat.Text;

        public ParseResult Parse(ReadOnlyMemory<byte> frame) => _text.Parse(frame);

        public bool IsValid(ReadOnlySpan<byte> frame) => _text.IsValid(frame);

        public bool AreAllValid(ReadOnlySpan<byte> frames) =>
            frames.IndexOf("boom"u8) < 0 ? _text.AreAllValid(frames) : throw new InvalidOperationException("a validator bug");
    }
}
