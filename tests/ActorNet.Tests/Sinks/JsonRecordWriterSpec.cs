using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks;
using Xunit;

namespace ActorNet.Tests.Sinks;

public sealed class JsonRecordWriterSpec
{
    private readonly JsonRecordWriter _writer = new(initialCapacity: 256);

    [Fact]
    public void Writes_one_line_per_frame_naming_its_source_connection_peer_seq_and_arrival()
    {
        var written = _writer.Append(TestBatches.Of(PayloadFormat.Text, 7, "first", "second"), accepted: true, rejected: true);

        Assert.Equal(2, written);
        var lines = Lines();
        Assert.Equal(2, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var record = lines[i];
            Assert.Equal("sensors", record.GetProperty("source").GetString());
            Assert.Equal(42, record.GetProperty("connection").GetInt64());
            Assert.Equal("10.0.0.7:51234", record.GetProperty("peer").GetString());
            Assert.Equal(7 + i, record.GetProperty("seq").GetInt64());
            AssertUtcTimestamp(TestBatches.ReceivedAt, record.GetProperty("receivedAt"));
        }
        Assert.Equal(["first", "second"], lines.Select(r => r.GetProperty("payload").GetString()));
    }

    [Fact]
    public void Writes_exactly_the_documented_properties_of_an_accepted_frame()
    {
        _writer.Append(TestBatches.Of(PayloadFormat.Text, 1, "x"), accepted: true, rejected: true);

        Assert.Equal(["source", "connection", "peer", "seq", "receivedAt", "payload"],
            Assert.Single(Lines()).EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("quotes \" and backslashes \\ and a solidus /")]
    [InlineData("control \u0001 \u001f and tab \t and carriage return \r")]
    [InlineData("line\nbreaks\u2028and\u2029separators")]
    [InlineData("héllo 日本 😀 <script>&amp;</script>")]
    public void Writes_a_text_payload_as_a_json_string_on_one_line(string text)
    {
        _writer.Append(TestBatches.Of(PayloadFormat.Text, 1, text), accepted: true, rejected: true);

        var payload = Assert.Single(Lines()).GetProperty("payload");
        Assert.Equal(JsonValueKind.String, payload.ValueKind);
        Assert.Equal(text, payload.GetString());
    }

    [Theory]
    [InlineData("""{"temperature":21.5,"tags":["a","b"]}""", JsonValueKind.Object)]
    [InlineData("[1,2,3]", JsonValueKind.Array)]
    [InlineData("42", JsonValueKind.Number)]
    [InlineData("\"a string value\"", JsonValueKind.String)]
    [InlineData("true", JsonValueKind.True)]
    [InlineData("null", JsonValueKind.Null)]
    public void Writes_a_json_payload_as_a_json_value_not_as_a_string(string json, JsonValueKind kind)
    {
        _writer.Append(TestBatches.Of(PayloadFormat.Json, 1, json), accepted: true, rejected: true);

        var payload = Assert.Single(Lines()).GetProperty("payload");
        Assert.Equal(kind, payload.ValueKind);
        Assert.Equal(json, payload.GetRawText());
    }

    // Length-field or NUL-delimited sources carry pretty-printed JSON; a JSON lines file must still hold one record per line.
    [Fact]
    public void Writes_a_json_payload_that_spans_several_lines_as_one_line()
    {
        const string json = "{\n  \"temperature\": 21.5,\r\n  \"unit\": \"C\"\n}";

        _writer.Append(TestBatches.Of(PayloadFormat.Json, 1, json, "{}"), accepted: true, rejected: true);

        var lines = Lines();
        Assert.Equal(2, lines.Length);
        Assert.Equal(21.5, lines[0].GetProperty("payload").GetProperty("temperature").GetDouble());
        Assert.Equal(JsonValueKind.Object, lines[1].GetProperty("payload").ValueKind);
    }

    [Fact]
    public void Writes_a_binary_payload_as_base64()
    {
        byte[] bytes = [0x00, 0xFF, 0x10, (byte)'\n', 0xC3, 0x28, 0x7F];

        _writer.Append(TestBatches.Of(PayloadFormat.Binary, 1, bytes, Array.Empty<byte>()), accepted: true, rejected: true);

        var lines = Lines();
        Assert.Equal(bytes, Convert.FromBase64String(lines[0].GetProperty("payload").GetString()!));
        Assert.Equal("", lines[1].GetProperty("payload").GetString());
    }

    [Fact]
    public void Writes_a_quarantined_frame_with_its_error_reason_raw_prefix_and_full_length()
    {
        byte[] raw = [(byte)'a', (byte)'b', 0xFF, (byte)'c'];
        var batch = TestBatches.Of(PayloadFormat.Text, 3, "fine",
            TestBatches.Rejected("invalid-utf8", "invalid UTF-8 at byte 2 (0xFF)", raw, rawLength: 9000));

        _writer.Append(batch, accepted: true, rejected: true);

        var lines = Lines();
        Assert.Equal(2, lines.Length);
        var quarantined = lines[1];
        Assert.Equal(["source", "connection", "peer", "seq", "receivedAt", "error", "reason", "raw", "rawLength"],
            quarantined.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, quarantined.GetProperty("seq").GetInt64());
        Assert.Equal("invalid UTF-8 at byte 2 (0xFF)", quarantined.GetProperty("error").GetString());
        Assert.Equal("invalid-utf8", quarantined.GetProperty("reason").GetString());
        Assert.Equal(raw, Convert.FromBase64String(quarantined.GetProperty("raw").GetString()!));
        Assert.Equal(9000, quarantined.GetProperty("rawLength").GetInt64());
        AssertUtcTimestamp(TestBatches.ReceivedAt, quarantined.GetProperty("receivedAt"));
    }

    [Fact]
    public void Writes_a_quarantined_frame_of_a_json_source_with_its_raw_bytes_in_base64()
    {
        byte[] raw = Encoding.UTF8.GetBytes("{\"a\":");
        var batch = TestBatches.Of(PayloadFormat.Json, 1, TestBatches.Rejected("invalid-json", "invalid JSON: truncated", raw, raw.Length));

        _writer.Append(batch, accepted: true, rejected: true);

        var record = Assert.Single(Lines());
        Assert.False(record.TryGetProperty("payload", out _));
        Assert.Equal(raw, Convert.FromBase64String(record.GetProperty("raw").GetString()!));
    }

    [Fact]
    public void Writes_only_accepted_frames_for_a_data_sink()
    {
        var batch = TestBatches.Of(PayloadFormat.Text, 1, "a", TestBatches.Rejected("truncated", "cut", [], 0), "c");

        Assert.Equal(2, _writer.Append(batch, accepted: true, rejected: false));

        Assert.Equal([1L, 3L], Lines().Select(r => r.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void Writes_only_rejected_frames_for_a_quarantine_sink()
    {
        var batch = TestBatches.Of(PayloadFormat.Text, 1, "a", TestBatches.Rejected("truncated", "cut", [], 0), "c");

        Assert.Equal(1, _writer.Append(batch, accepted: false, rejected: true));

        Assert.Equal("truncated", Assert.Single(Lines()).GetProperty("reason").GetString());
    }

    [Fact]
    public void Uses_the_payload_the_parser_returned_rather_than_the_frame()
    {
        var frames = TestBatches.Of(PayloadFormat.Text, 1, "raw frame").Frames;
        var batch = new ParsedBatch(frames, PayloadFormat.Text, null, [Encoding.UTF8.GetBytes("parsed")]);

        _writer.Append(batch, accepted: true, rejected: true);

        Assert.Equal("parsed", Assert.Single(Lines()).GetProperty("payload").GetString());
    }

    [Fact]
    public void Keeps_appending_across_batches_until_cleared()
    {
        _writer.Append(TestBatches.Of(PayloadFormat.Text, 1, "a", "b"), accepted: true, rejected: true);
        _writer.Append(TestBatches.Of(PayloadFormat.Text, 3, new string('c', 1000)), accepted: true, rejected: true);

        Assert.Equal([1L, 2L, 3L], Lines().Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(_writer.WrittenSpan.Length, _writer.Length);

        _writer.Clear();
        Assert.Equal(0, _writer.Length);
        _writer.Append(TestBatches.Of(PayloadFormat.Text, 4, "d"), accepted: true, rejected: true);
        Assert.Equal(4, Assert.Single(Lines()).GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Writes_nothing_for_a_batch_with_nothing_selected()
    {
        Assert.Equal(0, _writer.Append(TestBatches.Of(PayloadFormat.Text, 1, "a"), accepted: false, rejected: true));

        Assert.Equal(0, _writer.Length);
    }

    /// <summary>The written bytes as JSON lines: each ends in '\n' and parses alone.</summary>
    private JsonElement[] Lines()
    {
        var text = Encoding.UTF8.GetString(_writer.WrittenSpan);
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n').Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
    }

    private static void AssertUtcTimestamp(DateTime expected, JsonElement value)
    {
        var text = value.GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", text);
        Assert.Equal(expected, DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
    }
}
