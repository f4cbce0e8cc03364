using ActorNet.IntegrationTests.Support;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks;
using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>The postgres sink against a real server, fed batches directly as a sink actor would feed it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSinkSpec
{
    private const string Columns = "source, connection, peer, seq, received_at, payload, error, reason, raw, raw_length";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly ConnectionInfo Sensor = new("sensors", 7, "127.0.0.1:50000");

    private readonly PostgresServer _server;

    public PostgresSinkSpec(PostgresServer server) => _server = server;

    [PostgresFact]
    public void Stores_text_payloads_and_quarantined_frames_with_every_field()
    {
        var table = PostgresServer.UniqueTable("text");
        using var sink = new PostgresSink(_server.ConnectionString, table);
        var rejection = new RejectedFrame("invalid-utf8", "invalid UTF-8 at byte 3 (0xFF)", new byte[] { 0x61, 0x62, 0x63, 0xFF }, 4_000);

        Assert.Equal(4, sink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 41, "plain", "ünï \"quoted\" \\ 😀 日本語", "", rejection), true, true));

        var rows = _server.Query($"SELECT {Columns} FROM \"{table}\" ORDER BY id");
        Assert.Equal(4, rows.Count);
        AssertRow(rows[0], seq: 41, payload: "plain");
        AssertRow(rows[1], seq: 42, payload: "ünï \"quoted\" \\ 😀 日本語");
        AssertRow(rows[2], seq: 43, payload: "");
        AssertRow(rows[3], seq: 44, payload: null, error: rejection.Error, reason: "invalid-utf8", raw: [0x61, 0x62, 0x63, 0xFF], rawLength: 4_000);
        Assert.Equal(("text", "actornet payload format: text"), PayloadColumn(table));
    }

    [PostgresFact]
    public void Stores_json_payloads_as_jsonb_that_queries_can_look_into()
    {
        var table = PostgresServer.UniqueTable("json");
        using var sink = new PostgresSink(_server.ConnectionString, table);
        var rejection = new RejectedFrame("invalid-json", "invalid JSON: unexpected end", "{\"field\":"u8.ToArray(), 9);

        var written = sink.Write(TestBatch.Of(PayloadFormat.Json, Sensor, 1,
            """{"field":"value","n":1}""", "{\n  \"field\": \"on two lines\"\n}", "[1,2,3]", "\"a string\"", "12345678901234567890.5", rejection), true, true);

        Assert.Equal(6, written);
        var rows = _server.Query($"SELECT seq, payload->>'field', jsonb_typeof(payload), payload::text, error, reason, raw, raw_length FROM \"{table}\" ORDER BY id");
        Assert.Equal(Row(1L, "value", "object", """{"n": 1, "field": "value"}""", null, null, null, null), rows[0]);
        Assert.Equal(Row(2L, "on two lines", "object", """{"field": "on two lines"}""", null, null, null, null), rows[1]);
        Assert.Equal(Row(3L, null, "array", "[1, 2, 3]", null, null, null, null), rows[2]);
        Assert.Equal(Row(4L, null, "string", "\"a string\"", null, null, null, null), rows[3]);
        Assert.Equal(Row(5L, null, "number", "12345678901234567890.5", null, null, null, null), rows[4]);
        Assert.Equal(Row(6L, null, null, null, rejection.Error, "invalid-json", "{\"field\":"u8.ToArray(), 9L), rows[5]);
        Assert.Equal(("jsonb", "actornet payload format: json"), PayloadColumn(table));
    }

    [PostgresFact]
    public void Stores_binary_payloads_as_base64_text()
    {
        var table = PostgresServer.UniqueTable("binary");
        using var sink = new PostgresSink(_server.ConnectionString, table);
        var everyByte = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var large = new byte[100_000];
        new Random(7).NextBytes(large);

        Assert.Equal(3, sink.Write(TestBatch.Of(PayloadFormat.Binary, Sensor, 1, everyByte, Array.Empty<byte>(), large), true, true));

        var payloads = _server.Query($"SELECT payload FROM \"{table}\" ORDER BY seq").Select(r => Convert.FromBase64String((string)r[0]!)).ToList();
        Assert.Equal<byte[]>([everyByte, [], large], payloads);
        Assert.Equal(("text", "actornet payload format: binary (base64)"), PayloadColumn(table));
    }

    [PostgresFact]
    public void Writes_only_the_records_it_is_asked_for()
    {
        var data = PostgresServer.UniqueTable("data");
        var quarantine = PostgresServer.UniqueTable("quarantine");
        using var dataSink = new PostgresSink(_server.ConnectionString, data);
        using var quarantineSink = new PostgresSink(_server.ConnectionString, quarantine);
        var batch = TestBatch.Of(PayloadFormat.Text, Sensor, 1, "a", new RejectedFrame("invalid-utf8", "bad", new byte[] { 0xFF }, 1), "b");

        Assert.Equal(2, dataSink.Write(batch, accepted: true, rejected: false));
        Assert.Equal(1, quarantineSink.Write(batch, accepted: false, rejected: true));
        // Nothing selected: no round trip, and no table made for nothing.
        Assert.Equal(0, quarantineSink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 4, "c"), accepted: false, rejected: true));

        Assert.Equal<object?[]>([Row(1L, "a"), Row(3L, "b")], _server.Query($"SELECT seq, payload FROM \"{data}\" ORDER BY seq"));
        Assert.Equal<object?[]>([Row(2L, "invalid-utf8")], _server.Query($"SELECT seq, reason FROM \"{quarantine}\" ORDER BY seq"));
        using var idle = new PostgresSink(_server.ConnectionString, PostgresServer.UniqueTable("never"));
        Assert.Equal(0, idle.Write(batch, false, false));
    }

    [PostgresFact]
    public void A_record_the_database_refuses_is_kept_with_the_refusal_and_the_rest_of_its_batch_is_stored()
    {
        var text = PostgresServer.UniqueTable("refused_text");
        var json = PostgresServer.UniqueTable("refused_json");
        using var textSink = new PostgresSink(_server.ConnectionString, text);
        using var jsonSink = new PostgresSink(_server.ConnectionString, json);

        // Valid UTF-8 and valid JSON, which PostgreSQL's text and jsonb cannot hold.
        Assert.Equal(3, textSink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 1, "before", "nul\0inside", "after"), true, true));
        Assert.Equal(3, jsonSink.Write(TestBatch.Of(PayloadFormat.Json, Sensor, 1, """{"a":1}""", """{"nul":"\u0000"}""", """{"a":3}"""), true, true));

        var textRows = _server.Query($"SELECT seq, payload, reason, raw, raw_length, error FROM \"{text}\" ORDER BY seq");
        Assert.Equal(Row(1L, "before", null, null, null), textRows[0][..5]);
        Assert.Equal(Row(2L, null, "postgres-rejected", "nul\0inside"u8.ToArray(), 10L), textRows[1][..5]);
        Assert.Contains("22021", (string)textRows[1][5]!);
        Assert.Equal(Row(3L, "after", null, null, null), textRows[2][..5]);

        var jsonRows = _server.Query($"SELECT seq, payload->>'a', reason, raw, error FROM \"{json}\" ORDER BY seq");
        Assert.Equal(Row(1L, "1", null, null), jsonRows[0][..4]);
        Assert.Equal(Row(2L, null, "postgres-rejected", """{"nul":"\u0000"}"""u8.ToArray()), jsonRows[1][..4]);
        Assert.Contains("22P05", (string)jsonRows[1][4]!);
        Assert.Equal(Row(3L, "3", null, null), jsonRows[2][..4]);
    }

    [PostgresFact]
    public void A_table_holds_one_payload_format_and_a_batch_of_another_fails_saying_so()
    {
        var table = PostgresServer.UniqueTable("formats");
        using var jsonSink = new PostgresSink(_server.ConnectionString, table);
        using var textSink = new PostgresSink(_server.ConnectionString, table);
        jsonSink.Write(TestBatch.Of(PayloadFormat.Json, Sensor, 1, "{}"), true, true);

        var failure = Assert.Throws<InvalidOperationException>(() => textSink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 2, "text"), true, true));
        Assert.Contains($"table \"{table}\" holds json payloads (payload jsonb), but this batch has text payloads", failure.Message);
        // Quarantine records have no payload: any source's may go to any table.
        Assert.Equal(1, textSink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 3, new RejectedFrame("invalid-utf8", "bad", new byte[] { 0xFF }, 1)), true, true));

        var binary = PostgresServer.UniqueTable("base64");
        using var binarySink = new PostgresSink(_server.ConnectionString, binary);
        binarySink.Write(TestBatch.Of(PayloadFormat.Binary, Sensor, 1, new byte[] { 1 }), true, true);
        failure = Assert.Throws<InvalidOperationException>(() => binarySink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 2, "text"), true, true));
        Assert.Contains("holds binary (base64) payloads (payload text), but this batch has text payloads", failure.Message);
        Assert.Equal(2, _server.Count(table));
        Assert.Equal(1, _server.Count(binary));
    }

    [PostgresFact]
    public async Task A_commit_whose_reply_was_lost_is_not_written_again_by_the_retry()
    {
        using var proxy = new CommitCuttingProxy(_server.Port);
        var table = PostgresServer.UniqueTable("lost_reply");
        using var sink = new PostgresSink(proxy.ConnectionString(_server), table);
        Assert.Equal(1, sink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 1, "first"), true, true));
        var batch = TestBatch.Of(PayloadFormat.Text, Sensor, 2, "second", "third");

        proxy.CutNextCommit(CommitCuttingProxy.Cut.AfterCommit);
        Assert.ThrowsAny<Exception>(() => sink.Write(batch, true, true));
        Assert.Equal(1, proxy.Cuts);
        await Eventually.TrueAsync(() => _server.Count(table) == 3, Bound, () => $"the server to commit the batch whose reply was lost; {_server.Count(table)} rows");

        // What SinkActor does next: the same batch again.
        Assert.Equal(2, sink.Write(batch, true, true));
        Assert.Equal<object?[]>([Row(1L, "first"), Row(2L, "second"), Row(3L, "third")], _server.Query($"SELECT seq, payload FROM \"{table}\" ORDER BY id"));
    }

    [PostgresFact]
    public void A_commit_that_never_reached_the_server_is_written_by_the_retry()
    {
        using var proxy = new CommitCuttingProxy(_server.Port);
        var table = PostgresServer.UniqueTable("lost_commit");
        using var sink = new PostgresSink(proxy.ConnectionString(_server), table);
        Assert.Equal(1, sink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 1, "first"), true, true));
        var batch = TestBatch.Of(PayloadFormat.Text, Sensor, 2, "second", "third");

        proxy.CutNextCommit(CommitCuttingProxy.Cut.BeforeCommit);
        Assert.ThrowsAny<Exception>(() => sink.Write(batch, true, true));
        Assert.Equal(1, proxy.Cuts);

        Assert.Equal(2, sink.Write(batch, true, true));
        Assert.Equal<object?[]>([Row(1L, "first"), Row(2L, "second"), Row(3L, "third")], _server.Query($"SELECT seq, payload FROM \"{table}\" ORDER BY id"));
    }

    [PostgresFact]
    public void A_session_left_holding_the_batch_uncommitted_is_ended_before_the_retry_writes_it()
    {
        using var proxy = new CommitCuttingProxy(_server.Port);
        var table = PostgresServer.UniqueTable("held");
        using var sink = new PostgresSink(proxy.ConnectionString(_server), table);
        Assert.Equal(1, sink.Write(TestBatch.Of(PayloadFormat.Text, Sensor, 1, "first"), true, true));
        var batch = TestBatch.Of(PayloadFormat.Text, Sensor, 2, "second", "third");

        proxy.CutNextCommit(CommitCuttingProxy.Cut.BeforeCommitKeepingTheSession);
        Assert.ThrowsAny<Exception>(() => sink.Write(batch, true, true));
        Assert.Equal(1, _server.Count(table));
        Assert.Equal(1L, HeldSessions(table));

        Assert.Equal(2, sink.Write(batch, true, true));
        Assert.Equal<object?[]>([Row(1L, "first"), Row(2L, "second"), Row(3L, "third")], _server.Query($"SELECT seq, payload FROM \"{table}\" ORDER BY id"));
        Assert.Equal(0L, HeldSessions(table));
    }

    private long HeldSessions(string table) =>
        (long)_server.Query($"SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE 'COPY \"{table}\"%'").Single()[0]!;

    private static void AssertRow(object?[] row, long seq, string? payload, string? error = null, string? reason = null, byte[]? raw = null, long? rawLength = null)
    {
        Assert.Equal(Row(Sensor.Source, Sensor.Id, Sensor.Peer, seq, TestBatch.ReceivedAt, payload, error, reason, raw, rawLength), row);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row[4]!).Kind);
    }

    private static object?[] Row(params object?[] values) => values;

    private (string Type, string? Comment) PayloadColumn(string table)
    {
        var row = _server.Query($"""
            SELECT format_type(atttypid, atttypmod), col_description(attrelid, attnum)
            FROM pg_attribute WHERE attrelid = '"{table}"'::regclass AND attname = 'payload'
            """).Single();
        return ((string)row[0]!, (string?)row[1]);
    }
}
