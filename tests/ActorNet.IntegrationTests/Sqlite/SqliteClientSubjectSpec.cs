using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Connections;
using ActorNet.IntegrationTests.Support;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks;
using ActorNet.Sinks.Quarantine;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNet.IntegrationTests.Sqlite;

/// <summary>
/// The <c>client_subject</c> column of the sqlite sink: the subject of a TLS peer's client certificate, from real mTLS
/// sessions on loopback into a real database file; added in place to tables made before it existed.
/// </summary>
public sealed class SqliteClientSubjectSpec : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();
    private readonly MutualTlsFiles _tls;
    private readonly string _source = TestConfig.UniqueSourceName("sqlite-tls");
    private readonly int _port = Loopback.FreePort();

    public SqliteClientSubjectSpec() => _tls = new MutualTlsFiles(_directory);

    public void Dispose()
    {
        _tls.Dispose();
        _directory.Dispose();
    }

    private string Database => _directory.File("actornet.db");

    private string Config(string parser) => $$"""
        actornet {
          sources.{{_source}} {
            port = {{_port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = {{parser}}
            {{_tls.TlsBlock("optional")}}
            sinks = [ store ]
            quarantine = store
          }
          sinks.store { type = sqlite, path = "{{Database}}" }
        }
        """;

    [Fact]
    public async Task A_TLS_peers_client_certificate_subject_is_stored_with_its_data_and_quarantine_rows_and_null_without_one()
    {
        using var device = _tls.Client("device-17");
        await using (var net = await InProcessActorNet.StartAsync(Config("json")))
        {
            await using (var signed = await TlsPeer.ConnectAsync(_port, _tls.Server, device))
            {
                await signed.SendLinesAsync("""{"n":1}""", "not json");
                await using var anonymous = await TlsPeer.ConnectAsync(_port, _tls.Server);
                await anonymous.SendLinesAsync("""{"n":2}""");
                await Eventually.TrueAsync(() => Rows().Count == 3, Bound, () => $"3 rows; {Rows().Count} so far\n{net.Log.Dump()}");
            }
            await net.StopAsync();
        }

        Assert.Equal<(string?, string?, string?)>(
            [("""{"n":1}""", null, "CN=device-17"), ("""{"n":2}""", null, null), (null, "invalid-json", "CN=device-17")],
            Rows().Select(r => (r.Payload, r.Reason, r.ClientSubject)).OrderBy(r => r.Item1 ?? "~").ThenBy(r => r.Item3));

        // Reparse stores the quarantined line as data with the subject of the connection it came from.
        var options = new ActorNetOptions();
        var reparser = new QuarantineReparser(ActorNetSettings.Parse(Config("text")), options.Parsers, options.SinkTypes);
        using (var quarantine = reparser.OpenQuarantine("store"))
            Assert.Equal(1, reparser.Run(quarantine, since: null).Reparsed);
        var reparsed = Rows().Last();
        Assert.Equal(("not json", "CN=device-17"), (reparsed.Payload, reparsed.ClientSubject));
    }

    [Fact]
    public async Task Batches_spooled_to_disk_while_the_database_is_locked_are_stored_with_their_client_subject()
    {
        var spool = _directory.File("spool");
        var config = $$"""
            actornet {
              sources.{{_source}} {
                port = {{_port}}
                framing { type = delimiter, delimiter = "\n" }
                parser = text
                {{_tls.TlsBlock("required")}}
                sinks = [ store ]
                quarantine = store
              }
              sinks.store { type = sqlite, path = "{{Database}}", spool-dir = "{{spool}}", probe-interval = 100ms }
            }
            """;
        using var device = _tls.Client("device-5");
        await using var net = await InProcessActorNet.StartAsync(config);
        await using var peer = await TlsPeer.ConnectAsync(_port, _tls.Server, device);
        await peer.SendLinesAsync("before the outage");
        await Eventually.TrueAsync(() => Rows().Count == 1, Bound, () => $"the first row; {Rows().Count}\n{net.Log.Dump()}");

        using (var other = Open())
        {
            Execute(other, "BEGIN IMMEDIATE");
            await peer.SendLinesAsync("during 1", "during 2");
            await Eventually.TrueAsync(() => SpooledBytes(spool) > 0, Bound, () => $"the batch in the spool\n{net.Log.Dump()}");
            Execute(other, "COMMIT");
        }

        await Eventually.TrueAsync(() => Rows().Count == 3 && SpooledBytes(spool) == 0, Bound,
            () => $"3 rows and an empty spool; {Rows().Count} rows, {SpooledBytes(spool)} bytes spooled");
        Assert.Equal<(string?, string?, string?)>(
            [("before the outage", null, "CN=device-5"), ("during 1", null, "CN=device-5"), ("during 2", null, "CN=device-5")],
            Rows().Select(r => (r.Payload, r.Reason, r.ClientSubject)));
    }

    private static long SpooledBytes(string spool) =>
        Directory.Exists(spool) ? Directory.GetFiles(spool, "*.seg", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    [Fact]
    public void A_table_made_by_the_previous_version_gains_client_subject_in_place_and_keeps_its_rows()
    {
        // The schema the sqlite sink made before client_subject existed: its CREATE TABLE, then resolved_at added.
        using (var connection = Open())
        {
            Execute(connection, """
                CREATE TABLE frames (id INTEGER PRIMARY KEY, source TEXT NOT NULL, connection INTEGER NOT NULL, peer TEXT NOT NULL,
                  seq INTEGER NOT NULL, received_at TEXT NOT NULL, payload TEXT, error TEXT, reason TEXT, raw BLOB, raw_length INTEGER);
                CREATE INDEX frames_by_connection ON frames (source, connection, seq);
                ALTER TABLE frames ADD COLUMN resolved_at TEXT;
                INSERT INTO frames (source, connection, peer, seq, received_at, payload) VALUES ('old', 1, '10.0.0.1:5000', 1, '2026-01-01T00:00:00.0000000Z', 'stored before');
                """);
        }
        Assert.DoesNotContain("client_subject", Columns());

        using (var sink = new SqliteSink(new SinkSettings("store", "sqlite", Database, 0, TimeSpan.FromSeconds(1))))
        {
            var signed = new ConnectionInfo("new", 2, "127.0.0.1:6000") { ClientSubject = "CN=device-9" };
            Assert.Equal(1, sink.Write(Batch(signed, "stored after"), accepted: true, rejected: true));
        }

        Assert.Equal(["id", "source", "connection", "peer", "seq", "received_at", "payload", "error", "reason", "raw", "raw_length", "resolved_at", "client_subject"],
            Columns());
        Assert.Equal<(string?, string?, string?)>([("stored before", null, null), ("stored after", null, "CN=device-9")],
            Rows().Select(r => (r.Payload, r.Reason, r.ClientSubject)));
    }

    private static ParsedBatch Batch(ConnectionInfo connection, string payload)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        var frames = new FrameBatch(connection, 1, DateTime.UtcNow, bytes, [new ActorNet.Framing.FrameSpan(0, bytes.Length)], 1, null);
        return new ParsedBatch(frames, PayloadFormat.Text, null, null);
    }

    private sealed record Row(string? Payload, string? Reason, string? ClientSubject);

    private List<Row> Rows()
    {
        if (!File.Exists(Database)) return [];
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('frames') WHERE name = 'client_subject'";
        if ((long)command.ExecuteScalar()! == 0) return [];
        command.CommandText = "SELECT payload, reason, client_subject FROM frames ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
            rows.Add(new Row(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return rows;
    }

    private List<string> Columns()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('frames') ORDER BY cid";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Pooling = false, DefaultTimeout = 30 }.ToString());
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
