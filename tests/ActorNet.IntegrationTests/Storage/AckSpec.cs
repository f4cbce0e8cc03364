using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Support;
using ActorNet.Hosting;
using ActorNet.Sinks;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Storage;

/// <summary>
/// ack.enabled: a peer is told <c>ACK n</c> only once frames 1..n are durable in every sink of its source, framed
/// like its input. Each ACK is checked against the stores the moment it arrives.
/// </summary>
public sealed partial class AckSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Acks_every_line_once_sqlite_holds_it_and_the_quarantine_file_holds_the_bad_one()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-sqlite");
        var port = Loopback.FreePort();
        var database = directory.File("actornet.db");
        var quarantine = directory.File("quarantine.jsonl");
        await using var actorNet = await InProcessActorNet.StartAsync($$"""
            actornet {
              sources.{{source}} {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                parser = text
                sinks = [ store ]
                quarantine = rejects
                ack.enabled = on
              }
              sinks.store { type = sqlite, path = "{{database}}" }
              sinks.rejects { type = jsonl, path = "{{quarantine}}", flush-interval = 200ms }
            }
            """);

        const int total = 1_000, bad = 500;
        var lines = Enumerable.Range(1, total).Select(seq => seq == bad ? [(byte)'b', 0xC3, 0x28, (byte)'d'] : Encoding.UTF8.GetBytes($"frame {seq}")).ToArray();
        using var socket = await Loopback.ConnectAsync(port);
        var acks = new AckReader(socket, AckReader.Framing.Lines);
        var store = new StoredRows(database, source);

        // Four rounds, each awaited: the peer sees n grow, and each ACK is checked while later frames are unsent.
        for (var sent = 0; sent < total;)
        {
            var upTo = sent + 250;
            for (; sent < upTo; sent += 50)
                await socket.SendAsync(lines[sent..(sent + 50)].SelectMany(l => l.Append((byte)'\n')).ToArray());
            await acks.ReadUntilAsync(upTo, sent, n =>
            {
                Assert.Equal(Enumerable.Range(1, (int)n).Where(seq => seq != bad).Select(seq => (long)seq), store.SeqsUpTo(n));
                if (n >= bad) Assert.Contains(JsonlRecords.Read(quarantine), r => r.GetProperty("seq").GetInt64() == bad);
            });
        }

        Assert.Equal(total, acks.Received[^1]);
        Assert.True(acks.Received.Count >= 4, $"ACKs: {string.Join(", ", acks.Received)}");
        Assert.Equal(Enumerable.Range(1, total).Where(seq => seq != bad).Select(seq => $"frame {seq}"), store.PayloadsInOrder());
        var rejected = Assert.Single(JsonlRecords.Read(quarantine));
        Assert.Equal("invalid-utf8", rejected.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_jsonl_sink_acks_only_after_the_flush_that_put_the_frames_in_its_file()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-jsonl");
        var port = Loopback.FreePort();
        var frames = directory.File("frames.jsonl");
        await using var actorNet = await InProcessActorNet.StartAsync(
            TestConfig.OneSource(source, port, directory, "ack.enabled = on", sinkSettings: "flush-interval = 2s"));
        using var socket = await Loopback.ConnectAsync(port);
        var acks = new AckReader(socket, AckReader.Framing.Lines);

        // Two rounds, so that the second ACK needs a second flush.
        for (var round = 0; round < 2; round++)
        {
            var first = round * 100 + 1;
            await socket.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(first, 100).Select(seq => $"line {seq}\n"))));
            await acks.ReadUntilAsync(first + 99, first + 99, n =>
            {
                // The records are far below buffer-size, so only a flush puts them in the file: if it holds them
                // when the ACK arrives, the ACK came after the flush.
                var written = JsonlRecords.Read(frames).Select(r => r.GetProperty("seq").GetInt64()).Where(seq => seq <= n);
                Assert.Equal(Enumerable.Range(1, (int)n).Select(seq => (long)seq), written);
            });
        }

        Assert.Equal(Enumerable.Range(1, 200).Select(seq => $"line {seq}"), JsonlRecords.TextPayloads(frames));
        Assert.Equal(200, acks.Received[^1]);
    }

    [Fact]
    public async Task Acks_a_length_field_peer_with_length_field_frames()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-length");
        var port = Loopback.FreePort();
        var database = directory.File("actornet.db");
        await using var actorNet = await InProcessActorNet.StartAsync($$"""
            actornet {
              sources.{{source}} {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                framing { type = length-field, length-field-length = 4, byte-order = big-endian }
                sinks = [ store ]
                quarantine = rejects
                ack.enabled = on
              }
              sinks.store { type = sqlite, path = "{{database}}" }
              sinks.rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 100ms }
            }
            """);
        using var socket = await Loopback.ConnectAsync(port);
        var acks = new AckReader(socket, AckReader.Framing.LengthField);
        var store = new StoredRows(database, source);

        const int total = 300;
        var stream = Enumerable.Range(1, total).SelectMany(seq => LengthPrefixed(new string('x', seq % 17) + $"#{seq}")).ToArray();
        // Cut mid-header and mid-payload: the ACKs depend on frames, not on how the bytes arrived.
        foreach (var cut in new[] { (0, 3), (3, 1000), (1003, stream.Length - 1003) })
            await socket.SendAsync(stream.AsMemory(cut.Item1, cut.Item2));

        await acks.ReadUntilAsync(total, total, n => Assert.Equal(Enumerable.Range(1, (int)n).Select(seq => (long)seq), store.SeqsUpTo(n)));
        Assert.Equal(total, acks.Received[^1]);
        Assert.Equal(Enumerable.Range(1, total).Select(seq => new string('x', seq % 17) + $"#{seq}"), store.PayloadsInOrder());
    }

    [Fact]
    public async Task Each_peer_is_acked_for_its_own_frames()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-peers");
        var port = Loopback.FreePort();
        var database = directory.File("actornet.db");
        await using var actorNet = await InProcessActorNet.StartAsync($$"""
            actornet {
              sources.{{source}} {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                sinks = [ store ]
                quarantine = rejects
                ack.enabled = on
              }
              sinks.store { type = sqlite, path = "{{database}}" }
              sinks.rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 100ms }
            }
            """);

        int[] counts = [100, 700, 300];
        var lastAcks = await Task.WhenAll(counts.Select(async (count, peer) =>
        {
            using var socket = await Loopback.ConnectAsync(port);
            var acks = new AckReader(socket, AckReader.Framing.Lines);
            await socket.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => $"peer {peer} line {i}\n"))));
            await acks.ReadUntilAsync(count, count, _ => { });
            return acks.Received[^1];
        }));

        Assert.Equal(counts.Select(c => (long)c), lastAcks);
    }

    [Fact]
    public async Task Without_ack_enabled_nothing_is_written_back()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-off");
        var port = Loopback.FreePort();
        var frames = directory.File("frames.jsonl");
        await using var actorNet = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, sourceSettings: ""));
        using var socket = await Loopback.ConnectAsync(port);

        await socket.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 100).Select(seq => $"line {seq}\n"))));
        await Eventually.TrueAsync(() => JsonlRecords.Count(frames) == 100, Bound, () => $"{JsonlRecords.Count(frames)} of 100 records");

        // The one bounded wait for something that must not happen: every frame is stored, so an ACK would be due.
        socket.ReceiveTimeout = 500;
        var buffer = new byte[64];
        try
        {
            var read = socket.Receive(buffer);
            Assert.Fail(read == 0 ? "the server closed the connection" : $"received \"{Encoding.UTF8.GetString(buffer, 0, read)}\"");
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.TimedOut, e.SocketErrorCode);
        }
    }

    [Fact]
    public async Task Frames_spooled_while_the_sink_is_down_are_acked_at_the_spool_sync_and_written_in_order_when_it_is_back()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-spool");
        var port = Loopback.FreePort();
        var spool = directory.File("spool");
        var store = new SwitchableStore();
        var options = new ActorNetOptions().AddSinkType("switchable", _ => new SwitchableSink(store));
        var system = ActorSystem.Create("ack-spool", ActorNetService.AkkaHocon);
        try
        {
            var actorNet = ActorNetService.Start(system, SpooledSettings(source, port, directory, "switchable", options), options);
            using var socket = await Loopback.ConnectAsync(port);
            var acks = new AckReader(socket, AckReader.Framing.Lines);
            async Task SendAsync(int first, int count) =>
                await socket.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(first, count).Select(seq => $"line {seq}\n"))));

            await SendAsync(1, 100);
            await acks.ReadUntilAsync(100, 100, n => Assert.Equal(Enumerable.Range(1, (int)n).Select(seq => (long)seq), store.Seqs.Where(seq => seq <= n)));

            store.Down = true;
            await SendAsync(101, 100);
            // The store takes nothing, so only the fsynced spool can stand behind these ACKs.
            await acks.ReadUntilAsync(200, 200, n =>
            {
                if (n <= 100) return;
                Assert.Equal(100, store.Seqs.Count);
                Assert.True(store.Failures > 0, "the sink was never asked to write while down");
                Assert.NotEmpty(SpoolSegments(spool));
            });
            Assert.Equal(Enumerable.Range(1, 100).Select(seq => (long)seq), store.Seqs);

            store.Down = false;
            await Eventually.TrueAsync(() => store.Seqs.Count >= 200 && SpoolSegments(spool).Length == 0, Bound,
                () => $"{store.Seqs.Count} of 200 frames written, {SpoolSegments(spool).Length} spool segment(s) left");
            await SendAsync(201, 100);
            await acks.ReadUntilAsync(300, 300, _ => { });

            await Eventually.TrueAsync(() => store.Seqs.Count >= 300, Bound, () => $"{store.Seqs.Count} of 300 frames written");
            Assert.Equal(Enumerable.Range(1, 300).Select(seq => (long)seq), store.Seqs);
            await actorNet.DrainAsync(Bound);
        }
        finally
        {
            await system.Terminate().WaitAsync(Bound);
        }
    }

    // A replayed record whose flush failed must be flushed again, not written again: the sink still holds the first
    // copy in its buffer (as JsonlSink does after a failed flush).
    [Fact]
    public async Task A_replayed_batch_whose_flush_failed_is_stored_once()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("ack-replay");
        var port = Loopback.FreePort();
        var spool = directory.File("spool");
        var store = new SwitchableStore();
        var options = new ActorNetOptions().AddSinkType("buffering", _ => new BufferingSink(store));
        var system = ActorSystem.Create("ack-replay", ActorNetService.AkkaHocon);
        try
        {
            var actorNet = ActorNetService.Start(system, SpooledSettings(source, port, directory, "buffering", options), options);
            using var socket = await Loopback.ConnectAsync(port);
            var acks = new AckReader(socket, AckReader.Framing.Lines);

            store.Down = true;
            store.FlushDown = true;
            await socket.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 10).Select(seq => $"line {seq}\n"))));
            // Acked, so spooled: the sink took nothing.
            await acks.ReadUntilAsync(10, 10, _ => Assert.Empty(store.Seqs));

            // Replay now writes into the sink's buffer, but the flush that would make it durable fails.
            store.Down = false;
            await Eventually.TrueAsync(() => store.FlushFailures >= 2, Bound, () => $"{store.FlushFailures} failed flush(es)");
            store.FlushDown = false;
            await Eventually.TrueAsync(() => store.Seqs.Count >= 10 && SpoolSegments(spool).Length == 0, Bound,
                () => $"{store.Seqs.Count} frames stored, {SpoolSegments(spool).Length} spool segment(s) left");
            await actorNet.DrainAsync(Bound);

            Assert.Equal(Enumerable.Range(1, 10).Select(seq => (long)seq), store.Seqs);
        }
        finally
        {
            await system.Terminate().WaitAsync(Bound);
        }
    }

    /// <summary>One source with ack.enabled into sink <c>store</c> of <paramref name="sinkType"/>, spooled under <c>spool/</c>.</summary>
    private static ActorNetSettings SpooledSettings(string source, int port, TempDirectory directory, string sinkType, ActorNetOptions options) =>
        ActorNetSettings.Create(ActorNetSettings.ParseOverlay($$"""
            actornet {
              sources.{{source}} {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                sinks = [ store ]
                quarantine = rejects
                ack.enabled = on
              }
              sinks.store { type = {{sinkType}}, spool-dir = "{{directory.File("spool")}}", flush-interval = 100ms }
              sinks.rejects { type = jsonl, path = "{{directory.File("quarantine.jsonl")}}", flush-interval = 100ms }
            }
            """), options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());

    private static byte[] LengthPrefixed(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        var frame = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, bytes.Length);
        bytes.CopyTo(frame, 4);
        return frame;
    }

    private static string[] SpoolSegments(string spool) =>
        Directory.Exists(spool) ? Directory.GetFiles(spool, "*.seg", SearchOption.AllDirectories) : [];

    [GeneratedRegex(@"^ACK (\d+)$")]
    private static partial Regex AckPattern();

    /// <summary>Reads <c>ACK n</c> messages from a peer's socket, checking their framing and that n only grows.</summary>
    private sealed class AckReader(Socket socket, AckReader.Framing framing)
    {
        public enum Framing { Lines, LengthField }

        private readonly List<byte> _pending = [];

        public List<long> Received { get; } = [];

        /// <summary>
        /// Reads ACKs until one reaches <paramref name="target"/>, calling <paramref name="check"/> with each n as soon
        /// as it arrives. No ACK may pass <paramref name="sent"/>, the frames the peer has sent.
        /// </summary>
        public async Task ReadUntilAsync(long target, long sent, Action<long> check)
        {
            using var timeout = new CancellationTokenSource(Bound);
            try
            {
                while (Received.Count == 0 || Received[^1] < target)
                {
                    var n = Parse(await NextMessageAsync(timeout.Token));
                    if (Received.Count > 0) Assert.True(n > Received[^1], $"ACK {n} after ACK {Received[^1]}");
                    Assert.True(n <= sent, $"ACK {n} with only {sent} frames sent");
                    Received.Add(n);
                    check(n);
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new XunitException($"no ACK {target} within {Bound.TotalSeconds} s; ACKs so far: {string.Join(", ", Received)}");
            }
        }

        private static long Parse(string message)
        {
            var match = AckPattern().Match(message);
            Assert.True(match.Success, $"not an ACK: \"{message}\"");
            return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        private async Task<string> NextMessageAsync(CancellationToken cancel)
        {
            while (true)
            {
                if (framing == Framing.Lines && _pending.IndexOf((byte)'\n') is var end and >= 0)
                    return Take(0, end, end + 1);
                if (framing == Framing.LengthField && _pending.Count >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(_pending.GetRange(0, 4).ToArray());
                    Assert.InRange(length, 1, 64);
                    if (_pending.Count >= 4 + length) return Take(4, length, 4 + length);
                }
                var buffer = new byte[256];
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
                if (read == 0) throw new XunitException($"the server closed the connection; ACKs so far: {string.Join(", ", Received)}");
                _pending.AddRange(buffer.AsSpan(0, read));
            }
        }

        private string Take(int start, int length, int consumed)
        {
            var message = Encoding.UTF8.GetString(_pending.GetRange(start, length).ToArray());
            _pending.RemoveRange(0, consumed);
            return message;
        }
    }

    /// <summary>The sqlite sink's rows of one source, read while ActorNet writes them (WAL: readers never block it).</summary>
    private sealed class StoredRows(string database, string source)
    {
        public IReadOnlyList<long> SeqsUpTo(long n) =>
            Query("SELECT seq FROM frames WHERE source = $source AND seq <= $n ORDER BY seq", n).Select(r => (long)r!).ToArray();

        public IReadOnlyList<string> PayloadsInOrder() =>
            Query("SELECT payload FROM frames WHERE source = $source ORDER BY seq", 0).Select(r => (string)r!).ToArray();

        private List<object?> Query(string sql, long n)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$source", source);
            command.Parameters.AddWithValue("$n", n);
            using var reader = command.ExecuteReader();
            var values = new List<object?>();
            while (reader.Read()) values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
            return values;
        }
    }
}
