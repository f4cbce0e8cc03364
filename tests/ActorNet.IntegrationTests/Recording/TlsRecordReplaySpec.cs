using System.Buffers.Binary;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Hosting.Replay;
using ActorNet.IntegrationTests.Connections;
using ActorNet.IntegrationTests.Support;
using ActorNet.Recording;
using ActorNet.Recording.Export;
using Xunit;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>
/// Recording a TLS source whose peers present client certificates, then replaying it: the records come back with the
/// same clientSubject. A recording written by format version 1 (no subjects) still replays.
/// </summary>
public sealed class TlsRecordReplaySpec : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _live = new();
    private readonly TempDirectory _replayed = new();
    private readonly MutualTlsFiles _tls;
    private readonly string _source = TestConfig.UniqueSourceName("record-tls");
    private readonly int _port = Loopback.FreePort();

    public TlsRecordReplaySpec() => _tls = new MutualTlsFiles(_live);

    public void Dispose()
    {
        _tls.Dispose();
        _live.Dispose();
        _replayed.Dispose();
    }

    private string Recordings => _live.File("recordings");

    [Fact]
    public async Task A_replayed_mTLS_connection_gives_records_with_the_same_clientSubject()
    {
        using var device = _tls.Client("device-17");
        var sourceKeys = $$"""
            parser = text
            {{_tls.TlsBlock("optional")}}
            record { enabled = on, dir = "{{Recordings}}" }
            """;
        await using (var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(_source, _port, _live, sourceKeys)))
        {
            await using (var signed = await TlsPeer.ConnectAsync(_port, _tls.Server, device))
            await using (var anonymous = await TlsPeer.ConnectAsync(_port, _tls.Server))
            {
                await signed.SendLinesAsync("signed 1", "signed 2");
                await anonymous.SendLinesAsync("anonymous 1");
                await signed.SendLinesAsync("signed 3");
                await Eventually.TrueAsync(() => JsonlRecords.Count(_live.File("frames.jsonl")) == 4, Bound,
                    () => $"4 records; {JsonlRecords.Count(_live.File("frames.jsonl"))} so far\n{net.Log.Dump()}");
            }
            // A peer that fails the handshake: its open (without a subject) and close are recorded, nothing else.
            using (var plain = await Loopback.ConnectAsync(_port))
            {
                await plain.SendAsync(Encoding.ASCII.GetBytes("not a client hello\n"));
                await plain.AwaitClosedByServerAsync(Bound);
            }
            await net.StopAsync();
        }
        var liveRecords = RecordedRecords.Read(_live);
        Assert.Equal(3, liveRecords.Count(r => r.Contains("clientSubject=\"CN=device-17\"", StringComparison.Ordinal)));
        Assert.Single(liveRecords, r => !r.Contains("clientSubject", StringComparison.Ordinal));

        var events = new RecordingReader(Recordings).Events().ToArray();
        var opens = events.Where(e => e.Kind == RecordKind.Open).ToArray();
        Assert.Equal(3, opens.Length);
        Assert.Equal(["CN=device-17", null, null], opens.Select(e => e.ClientSubject).OrderBy(s => s is null));
        Assert.All(opens, open => Assert.Equal(_port.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(open.Data).Split(':')[^1]));
        Assert.Equal(3, events.Count(e => e.Kind == RecordKind.Close));

        var settings = ActorNetSettings.Parse(TestConfig.OneSource(_source, _port, _replayed, "parser = text"));
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), Recordings, new ReplayOptions(Speed: null)).WaitAsync(Bound);

        Assert.Empty(result.TornTails);
        Assert.Equal(liveRecords, RecordedRecords.Read(_replayed));

        // The export still finds ActorNet's end of each connection in the open records.
        var export = RecordingExport.ToPcapng(Recordings, _live.File("out.pcapng"));
        Assert.Equal(events.Count(e => e.Kind is RecordKind.In or RecordKind.Out), export.Packets);
    }

    [Fact]
    public async Task A_recording_written_by_format_version_1_still_replays_without_a_clientSubject()
    {
        var at = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        var directory = Directory.CreateDirectory(Path.Combine(Recordings, _source)).FullName;
        await using (var file = File.Create(Path.Combine(directory, "20260601T1200000000000-1.anrec")))
        {
            var name = Encoding.UTF8.GetBytes(_source);
            file.Write("ANREC"u8);
            file.WriteByte(1);
            file.Write([(byte)name.Length, 0]);
            file.Write(name);
            file.Write(Record(RecordKind.Open, at, "127.0.0.1:7000"u8));
            file.Write(Record(RecordKind.In, at.AddMilliseconds(1), "from version 1\nand a se"u8));
            file.Write(Record(RecordKind.In, at.AddMilliseconds(2), "cond line\n"u8));
            file.Write(Record(RecordKind.Close, at.AddMilliseconds(3), "the peer closed the connection"u8));
        }

        var settings = ActorNetSettings.Parse(TestConfig.OneSource(_source, _port, _replayed, "parser = text"));
        var result = await RecordingReplay.RunAsync(settings, new ActorNetOptions(), Recordings, new ReplayOptions(Speed: null)).WaitAsync(Bound);

        Assert.Empty(result.TornTails);
        Assert.Equal((1, 2L), (result.Connections, result.Reads));
        var records = JsonlRecords.Read(_replayed.File("frames.jsonl"));
        Assert.Equal(["from version 1", "and a second line"], JsonlRecords.TextPayloads(_replayed.File("frames.jsonl")));
        Assert.All(records, r => Assert.False(r.TryGetProperty("clientSubject", out _)));
        Assert.All(records, r => Assert.Equal("127.0.0.9:1234", r.GetProperty("peer").GetString()));
    }

    /// <summary>A record laid out as format versions 1 and 2 both lay it out: connection 5, peer 127.0.0.9:1234.</summary>
    private static byte[] Record(RecordKind kind, DateTime at, ReadOnlySpan<byte> data)
    {
        var peer = "127.0.0.9:1234"u8;
        var body = new byte[19 + peer.Length + data.Length];
        body[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(1), at.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(9), 5);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(17), (ushort)peer.Length);
        peer.CopyTo(body.AsSpan(19));
        data.CopyTo(body.AsSpan(19 + peer.Length));
        var record = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), ActorNet.IO.Crc32.Compute(body));
        body.CopyTo(record, 8);
        return record;
    }
}
