using System.Buffers.Binary;
using System.Text;
using ActorNet.Configuration;
using ActorNet.IO;
using ActorNet.Protocol;
using ActorNet.Recording;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorNet.Tests.Recording;

/// <summary>Open records and the client certificate's subject, in today's format and in files version 1 wrote.</summary>
public sealed class RecordingReaderSpec : IDisposable
{
    private static readonly DateTime At = new(2026, 12, 6, 9, 0, 0, DateTimeKind.Utc);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actornet-rec-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void An_open_record_carries_the_client_subject_of_a_TLS_peer_and_none_for_another()
    {
        var signed = new ConnectionInfo("s", 1, "127.0.0.2:4000") { ClientSubject = "CN=device-17, O=Meters Ltd, C=DE" };
        var anonymous = new ConnectionInfo("s", 2, "127.0.0.3:4000");
        var empty = new ConnectionInfo("s", 3, "127.0.0.4:4000") { ClientSubject = "" };
        using (var recorder = new SourceRecorder("s", new RecordSettings(true, _dir, 1L << 20, null, 64 * 1024, 1L << 20), NullLogger.Instance))
        {
            recorder.Opened(signed, "127.0.0.1:7000");
            recorder.Opened(anonymous, "127.0.0.1:7000");
            recorder.Opened(empty, "[::1]:7000");
            recorder.Read(signed, "line\n"u8, At);
        }

        var reader = new RecordingReader(_dir);
        var events = reader.Events().ToArray();

        Assert.Empty(reader.TornTails);
        var opens = events.Where(e => e.Kind == RecordKind.Open).ToArray();
        Assert.Equal([(1L, "CN=device-17, O=Meters Ltd, C=DE", "127.0.0.1:7000"), (2L, null, "127.0.0.1:7000"), (3L, "", "[::1]:7000")],
            opens.Select(e => (e.ConnectionId, e.ClientSubject, Encoding.UTF8.GetString(e.Data))));
        Assert.Null(events.Single(e => e.Kind == RecordKind.In).ClientSubject);
    }

    [Fact]
    public void An_open_record_says_whether_its_peer_sends_datagrams_with_or_without_a_subject()
    {
        var sender = new ConnectionInfo("s", 1, "127.0.0.2:5514");
        var stream = new ConnectionInfo("s", 2, "127.0.0.3:4000") { ClientSubject = "CN=meter" };
        using (var recorder = new SourceRecorder("s", new RecordSettings(true, _dir, 1L << 20, null, 64 * 1024, 1L << 20), NullLogger.Instance))
        {
            recorder.Opened(sender, "127.0.0.1:5514", datagrams: true);
            recorder.Opened(stream, "127.0.0.1:7000");
        }

        var reader = new RecordingReader(_dir);
        var opens = reader.Events().Where(e => e.Kind == RecordKind.Open).ToArray();

        Assert.Empty(reader.TornTails);
        Assert.Equal([(1L, true, (string?)null, "127.0.0.1:5514"), (2L, false, "CN=meter", "127.0.0.1:7000")],
            opens.Select(e => (e.ConnectionId, e.Datagrams, e.ClientSubject, Encoding.UTF8.GetString(e.Data))));
    }

    [Fact]
    public void An_open_record_with_a_flag_this_version_does_not_know_ends_the_file_as_torn()
    {
        var local = "127.0.0.1:7000"u8;
        var data = new byte[2 + local.Length + 1];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(data, (ushort)local.Length);
        local.CopyTo(data.AsSpan(2));
        data[^1] = 4;
        WriteFile("unknown-flag.anrec", version: RecordingFormat.Version, Record(RecordKind.Open, 5, data));

        var reader = new RecordingReader(_dir);

        Assert.Empty(reader.Events().ToArray());
        Assert.Contains("open record", Assert.Single(reader.TornTails).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_version_1_wrote_reads_back_with_its_opens_data_as_the_local_address()
    {
        WriteFile("old.anrec", version: 1,
            Record(RecordKind.Open, 5, "127.0.0.1:7000"u8),
            Record(RecordKind.In, 5, "first\n"u8),
            Record(RecordKind.Close, 5, "the peer closed the connection"u8));

        var reader = new RecordingReader(_dir);
        var events = reader.Events().ToArray();

        Assert.Empty(reader.TornTails);
        Assert.Equal([RecordKind.Open, RecordKind.In, RecordKind.Close], events.Select(e => e.Kind));
        Assert.Equal("127.0.0.1:7000", Encoding.UTF8.GetString(events[0].Data));
        Assert.All(events, e => Assert.Null(e.ClientSubject));
        Assert.Equal("first\n", Encoding.UTF8.GetString(events[1].Data));
        Assert.Equal("s", RecordingReader.SourceOf(Path.Combine(_dir, "s", "old.anrec")));
    }

    [Fact]
    public void An_open_record_whose_data_does_not_parse_ends_its_file_as_a_torn_tail()
    {
        var data = new byte[2 + 4 + 1];
        BinaryPrimitives.WriteUInt16LittleEndian(data, 4);
        "a:70"u8.CopyTo(data.AsSpan(2));
        data[6] = 7;
        WriteFile("bad.anrec", version: RecordingFormat.Version, Record(RecordKind.In, 5, "kept\n"u8), Record(RecordKind.Open, 6, data));

        var reader = new RecordingReader(_dir);
        var events = reader.Events().ToArray();

        Assert.Equal([RecordKind.In], events.Select(e => e.Kind));
        Assert.Contains("open record", Assert.Single(reader.TornTails).Reason);
    }

    [Fact]
    public void A_file_of_an_unknown_version_is_reported_not_read()
    {
        WriteFile("future.anrec", version: 9, Record(RecordKind.In, 5, "x"u8));

        var reader = new RecordingReader(_dir);

        Assert.Empty(reader.Events());
        Assert.Equal("format version 9, expected 1 or 2", Assert.Single(reader.TornTails).Reason);
    }

    private void WriteFile(string name, byte version, params byte[][] records)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "s")).FullName;
        using var file = File.Create(Path.Combine(directory, name));
        file.Write("ANREC"u8);
        file.WriteByte(version);
        var header = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 1);
        file.Write(header);
        file.Write("s"u8);
        foreach (var record in records) file.Write(record);
    }

    /// <summary>A record laid out by hand: length, CRC, kind, time, connection id, peer "127.0.0.9:1234", data.</summary>
    private static byte[] Record(RecordKind kind, long connectionId, ReadOnlySpan<byte> data)
    {
        var peer = "127.0.0.9:1234"u8;
        var body = new byte[1 + 8 + 8 + 2 + peer.Length + data.Length];
        body[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(1), At.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(9), connectionId);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(17), (ushort)peer.Length);
        peer.CopyTo(body.AsSpan(19));
        data.CopyTo(body.AsSpan(19 + peer.Length));
        var record = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Compute(body));
        body.CopyTo(record, 8);
        return record;
    }
}
