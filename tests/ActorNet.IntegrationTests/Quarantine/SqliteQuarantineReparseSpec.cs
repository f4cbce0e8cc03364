using System.Net.Sockets;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Support;
using ActorNet.Sinks.Quarantine;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.IntegrationTests.Quarantine;

/// <summary>
/// Lines quarantined by the json parser into a sqlite table shared with the data, then reparsed after the source was
/// switched to the text parser: <c>resolved_at</c> marks what moved, the rows rejected again carry the new reason.
/// </summary>
public sealed class SqliteQuarantineReparseSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static string Config(string source, int port, string database, string parser) => $$"""
        actornet {
          sources.{{source}} {
            port = {{port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = {{parser}}
            sinks = [ store ]
            quarantine = store
          }
          sinks.store { type = sqlite, path = "{{database}}" }
        }
        """;

    private static ReparseSummary Reparse(string config, DateTime? since = null)
    {
        var options = new ActorNetOptions();
        var reparser = new QuarantineReparser(ActorNetSettings.Parse(config), options.Parsers, options.SinkTypes);
        using var quarantine = reparser.OpenQuarantine("store");
        return reparser.Run(quarantine, since);
    }

    [Fact]
    public async Task Rows_the_json_parser_rejected_move_to_data_rows_when_the_source_reads_text_and_since_limits_them()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("reparse-sqlite");
        var port = Loopback.FreePort();
        var database = directory.File("actornet.db");

        DateTime between;
        await using (var actorNet = await InProcessActorNet.StartAsync(Config(source, port, database, "json")))
        {
            using (var early = await Loopback.ConnectAsync(port))
            {
                await early.SendAsync("{\"a\":1}\nnot json 1\n"u8.ToArray(), SocketFlags.None);
                await Eventually.TrueAsync(() => Rows(database).Count == 2, Bound, () => $"{Rows(database).Count} rows, 2 expected");
            }
            between = DateTime.UtcNow;
            using var late = await Loopback.ConnectAsync(port);
            byte[] lines = [.. "not json 2\n"u8, 0xFF, 0xFE, (byte)'\n'];
            await late.SendAsync(lines, SocketFlags.None);
            await Eventually.TrueAsync(() => Rows(database).Count == 4, Bound, () => $"{Rows(database).Count} rows, 4 expected");
            await actorNet.StopAsync();
        }
        var before = Rows(database);
        var notJson1 = before.Single(r => r.Raw is { } raw && Encoding.UTF8.GetString(raw) == "not json 1");
        var notJson2 = before.Single(r => r.Raw is { } raw && Encoding.UTF8.GetString(raw) == "not json 2");
        var binary = before.Single(r => r.Raw is [0xFF, 0xFE]);
        Assert.True(notJson1.ReceivedAt < between && notJson2.ReceivedAt >= between, $"{notJson1} / {between:O} / {notJson2}");

        var textConfig = Config(source, port, database, "text");
        var recent = Reparse(textConfig, since: between);

        Assert.Equal(1, recent.Reparsed);
        Assert.Equal(1, recent.StillFailing);
        var rows = Rows(database);
        var moved = Assert.Single(rows, r => r.Payload == "not json 2");
        Assert.Equal((notJson2.Connection, notJson2.Peer, notJson2.Seq, notJson2.ReceivedAt), (moved.Connection, moved.Peer, moved.Seq, moved.ReceivedAt));
        Assert.NotNull(rows.Single(r => r.Id == notJson2.Id).ResolvedAt);
        Assert.Null(rows.Single(r => r.Id == notJson1.Id).ResolvedAt);
        var failing = rows.Single(r => r.Id == binary.Id);
        Assert.Null(failing.ResolvedAt);
        Assert.Equal("invalid-utf8", failing.Reason);
        // The json parser's words before, the text parser's now.
        Assert.StartsWith("invalid JSON: ", binary.Error);
        Assert.Equal("invalid UTF-8 at byte 0 (0xFF)", failing.Error);

        // Without --since the earlier line moves too; the row already resolved is not stored again.
        var all = Reparse(textConfig);
        Assert.Equal(1, all.Reparsed);
        Assert.Equal(1, all.StillFailing);
        rows = Rows(database);
        Assert.Single(rows, r => r.Payload == "not json 1");
        Assert.Single(rows, r => r.Payload == "not json 2");
        Assert.Equal(6, rows.Count);

        var again = Reparse(textConfig);
        Assert.Equal((0L, 1L, 0L), (again.Reparsed, again.StillFailing, again.Skipped));
        Assert.Equal(rows, Rows(database));
    }

    [Fact]
    public void A_table_made_before_resolved_at_existed_gains_the_column_and_keeps_its_rows()
    {
        using var directory = new TempDirectory();
        var database = directory.File("old.db");
        var source = TestConfig.UniqueSourceName("reparse-migrate");
        using (var connection = Open(database))
        {
            Execute(connection, """
                CREATE TABLE frames (id INTEGER PRIMARY KEY, source TEXT NOT NULL, connection INTEGER NOT NULL, peer TEXT NOT NULL,
                  seq INTEGER NOT NULL, received_at TEXT NOT NULL, payload TEXT, error TEXT, reason TEXT, raw BLOB, raw_length INTEGER);
                """);
            Execute(connection, $"""
                INSERT INTO frames (source, connection, peer, seq, received_at, payload) VALUES ('{source}', 7, '10.0.0.1:5000', 1, '2026-01-01T00:00:00.0000000Z', 'ok');
                INSERT INTO frames (source, connection, peer, seq, received_at, error, reason, raw, raw_length)
                  VALUES ('{source}', 7, '10.0.0.1:5000', 2, '2026-01-01T00:00:00.0000000Z', 'invalid JSON', 'invalid-json', X'68656C6C6F', 5);
                """);
        }

        var summary = Reparse(Config(source, Loopback.FreePort(), database, "text"));

        Assert.Equal(1, summary.Reparsed);
        var rows = Rows(database);
        Assert.Equal(3, rows.Count);
        Assert.Equal("ok", rows[0].Payload);
        Assert.NotNull(rows[1].ResolvedAt);
        Assert.Equal((7L, "10.0.0.1:5000", 2L, "hello"), (rows[2].Connection, rows[2].Peer, rows[2].Seq, rows[2].Payload));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), rows[2].ReceivedAt);
    }

    private sealed record Row(long Id, long Connection, string Peer, long Seq, DateTime ReceivedAt, string? Payload, string? Error, string? Reason, byte[]? Raw, string? ResolvedAt)
    {
        public bool Equals(Row? other) => other is not null && (Id, Payload, Error, Reason, ResolvedAt) == (other.Id, other.Payload, other.Error, other.Reason, other.ResolvedAt);
        public override int GetHashCode() => Id.GetHashCode();
    }

    private static List<Row> Rows(string database)
    {
        if (!File.Exists(database)) return [];
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'frames'";
        if ((long)command.ExecuteScalar()! == 0) return [];
        command.CommandText = "SELECT count(*) FROM pragma_table_info('frames') WHERE name = 'resolved_at'";
        var resolvedAt = (long)command.ExecuteScalar()! == 1 ? "resolved_at" : "NULL";
        command.CommandText = $"SELECT id, connection, peer, seq, received_at, payload, error, reason, raw, {resolvedAt} FROM frames ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3),
                DateTime.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : (byte[])reader.GetValue(8),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return rows;
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
