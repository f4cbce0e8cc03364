using System.Text;
using System.Text.Json;
using ActorNet.Configuration;
using ActorNet.Parsing;
using ActorNet.Sinks;
using Xunit;

namespace ActorNet.Tests.Sinks;

public sealed class JsonlSinkSpec : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Creates_the_directory_of_its_file()
    {
        var path = Path.Combine(_directory, "nested", "deeper", "frames.jsonl");

        using (var sink = new JsonlSink(Settings(path)))
        {
            Assert.True(Directory.Exists(Path.GetDirectoryName(path)));
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Writes_every_record_as_a_json_line_when_disposed()
    {
        var path = Path.Combine(_directory, "frames.jsonl");

        using (var sink = new JsonlSink(Settings(path)))
        {
            Assert.Equal(2, sink.Write(TestBatches.Of(PayloadFormat.Text, 1, "a", "b"), accepted: true, rejected: false));
            Assert.Equal(1, sink.Write(TestBatches.Of(PayloadFormat.Text, 3, "c"), accepted: true, rejected: false));
        }

        var records = ReadRecords(path);
        Assert.Equal(["a", "b", "c"], records.Select(r => r.GetProperty("payload").GetString()));
        Assert.Equal([1L, 2L, 3L], records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.All(records, r => Assert.Equal("10.0.0.7:51234", r.GetProperty("peer").GetString()));
    }

    [Fact]
    public void Holds_records_in_memory_until_flushed()
    {
        var path = Path.Combine(_directory, "frames.jsonl");
        using var sink = new JsonlSink(Settings(path));

        sink.Write(TestBatches.Of(PayloadFormat.Text, 1, "a"), accepted: true, rejected: false);
        Assert.Empty(ReadRecords(path));

        sink.Flush();
        Assert.Equal("a", Assert.Single(ReadRecords(path)).GetProperty("payload").GetString());

        sink.Flush();
        Assert.Single(ReadRecords(path));
    }

    [Fact]
    public void Writes_to_the_file_once_buffer_size_is_passed_without_waiting_for_a_flush()
    {
        var path = Path.Combine(_directory, "frames.jsonl");
        using var sink = new JsonlSink(Settings(path, bufferSize: 100));

        sink.Write(TestBatches.Of(PayloadFormat.Text, 1, new string('x', 200)), accepted: true, rejected: false);
        sink.Write(TestBatches.Of(PayloadFormat.Text, 2, "y"), accepted: true, rejected: false);

        Assert.Equal(1, Assert.Single(ReadRecords(path)).GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Appends_to_the_file_a_previous_sink_wrote()
    {
        var path = Path.Combine(_directory, "frames.jsonl");

        using (var first = new JsonlSink(Settings(path)))
        {
            first.Write(TestBatches.Of(PayloadFormat.Text, 1, "before", "restart"), accepted: true, rejected: false);
        }
        using (var second = new JsonlSink(Settings(path)))
        {
            second.Write(TestBatches.Of(PayloadFormat.Text, 1, "after"), accepted: true, rejected: false);
        }

        Assert.Equal(["before", "restart", "after"], ReadRecords(path).Select(r => r.GetProperty("payload").GetString()));
    }

    [Fact]
    public void Writes_only_quarantined_records_to_a_quarantine_file()
    {
        var path = Path.Combine(_directory, "quarantine.jsonl");
        byte[] raw = [0xC3, 0x28];
        var batch = TestBatches.Of(PayloadFormat.Text, 1, "good",
            TestBatches.Rejected("invalid-utf8", "invalid UTF-8 at byte 0 (0xC3)", raw, 2), "also good");

        using (var sink = new JsonlSink(Settings(path)))
        {
            Assert.Equal(1, sink.Write(batch, accepted: false, rejected: true));
        }

        var record = Assert.Single(ReadRecords(path));
        Assert.Equal(2, record.GetProperty("seq").GetInt64());
        Assert.Equal("invalid-utf8", record.GetProperty("reason").GetString());
        Assert.Equal(raw, Convert.FromBase64String(record.GetProperty("raw").GetString()!));
        Assert.Equal(2, record.GetProperty("rawLength").GetInt64());
    }

    [Fact]
    public void Writes_records_of_every_payload_format_as_valid_json_lines()
    {
        var path = Path.Combine(_directory, "frames.jsonl");

        using (var sink = new JsonlSink(Settings(path)))
        {
            sink.Write(TestBatches.Of(PayloadFormat.Text, 1, "tëxt \"quoted\""), accepted: true, rejected: true);
            sink.Write(TestBatches.Of(PayloadFormat.Json, 2, """{"a":[1,2]}"""), accepted: true, rejected: true);
            sink.Write(TestBatches.Of(PayloadFormat.Binary, 3, new byte[] { 0, 1, 0xFF }), accepted: true, rejected: true);
        }

        var records = ReadRecords(path);
        Assert.Equal("tëxt \"quoted\"", records[0].GetProperty("payload").GetString());
        Assert.Equal(2, records[1].GetProperty("payload").GetProperty("a").GetArrayLength());
        Assert.Equal(new byte[] { 0, 1, 0xFF }, records[2].GetProperty("payload").GetBytesFromBase64());
    }

    private static SinkSettings Settings(string path, int bufferSize = 64 * 1024) =>
        new("file", "jsonl", path, bufferSize, TimeSpan.FromSeconds(1));

    /// <summary>The file's records; it may still be open for writing by a sink.</summary>
    private static JsonElement[] ReadRecords(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        if (text.Length == 0) return [];
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n').Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
    }
}
