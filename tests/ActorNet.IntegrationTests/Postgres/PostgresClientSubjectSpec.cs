using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.IntegrationTests.Connections;
using ActorNet.IntegrationTests.Support;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks;
using ActorNet.Sinks.Quarantine;
using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// The <c>client_subject</c> column of the postgres sink: the subject of a TLS peer's client certificate, from real mTLS
/// sessions on loopback into a real server; added in place to tables made before it existed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClientSubjectSpec : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly PostgresServer _server;
    private readonly TempDirectory _directory = new();
    private readonly MutualTlsFiles _tls;

    public PostgresClientSubjectSpec(PostgresServer server)
    {
        _server = server;
        _tls = new MutualTlsFiles(_directory);
    }

    public void Dispose()
    {
        _tls.Dispose();
        _directory.Dispose();
    }

    private string Config(string source, int port, string frames, string rejects, string parser) => $$"""
        actornet {
          sources.{{source}} {
            port = {{port}}
            framing { type = delimiter, delimiter = "\n" }
            parser = {{parser}}
            {{_tls.TlsBlock("optional")}}
            sinks = [ data ]
            quarantine = rejects
          }
          sinks {
            data { type = postgres, connection-string = "{{_server.ConnectionString}}", table = {{frames}} }
            rejects { type = postgres, connection-string = "{{_server.ConnectionString}}", table = {{rejects}} }
          }
        }
        """;

    [PostgresFact]
    public async Task A_TLS_peers_client_certificate_subject_is_stored_with_its_rows_and_null_without_one_and_reparse_keeps_it()
    {
        var frames = PostgresServer.UniqueTable("tls_frames");
        var rejects = PostgresServer.UniqueTable("tls_rejects");
        var source = TestConfig.UniqueSourceName("pg-tls");
        var port = Loopback.FreePort();
        using var device = _tls.Client("device-42");
        await using (var net = await InProcessActorNet.StartAsync(Config(source, port, frames, rejects, "json")))
        {
            await using (var signed = await TlsPeer.ConnectAsync(port, _tls.Server, device))
            {
                await signed.SendLinesAsync("""{"n":1}""", "not json");
                await using var anonymous = await TlsPeer.ConnectAsync(port, _tls.Server);
                await anonymous.SendLinesAsync("""{"n":2}""");
                await Eventually.TrueAsync(() => _server.Count(frames) == 2 && _server.Count(rejects) == 1, Bound,
                    () => $"2 rows in {frames} and 1 in {rejects}; {_server.Count(frames)} and {_server.Count(rejects)}\n{net.Log.Dump()}");
            }
            await net.StopAsync();
        }

        Assert.Equal<object?[]>([Row(1L, "CN=device-42"), Row(2L, null)],
            _server.Query($"SELECT (payload->>'n')::bigint, client_subject FROM \"{frames}\" ORDER BY 1"));
        Assert.Equal<object?[]>([Row("invalid-json", "CN=device-42")], _server.Query($"SELECT reason, client_subject FROM \"{rejects}\""));

        // The quarantined line, reparsed by the text parser, lands in a table of its own with the subject of its connection.
        var reparsedTable = PostgresServer.UniqueTable("tls_reparsed");
        var options = new ActorNetOptions();
        var reparser = new QuarantineReparser(ActorNetSettings.Parse(Config(source, port, reparsedTable, rejects, "text")), options.Parsers, options.SinkTypes);
        using (var quarantine = reparser.OpenQuarantine("rejects"))
            Assert.Equal(1, reparser.Run(quarantine, since: null).Reparsed);
        Assert.Equal<object?[]>([Row("not json", "CN=device-42")], _server.Query($"SELECT payload, client_subject FROM \"{reparsedTable}\""));
    }

    [PostgresFact]
    public void A_table_made_by_the_previous_version_gains_client_subject_in_place_and_keeps_its_rows()
    {
        var table = PostgresServer.UniqueTable("old_schema");
        CreateAsThePreviousVersionDid(table);
        Assert.Empty(_server.Query($"SELECT 1 FROM information_schema.columns WHERE table_name = '{table}' AND column_name = 'client_subject'"));

        using (var sink = new PostgresSink(_server.ConnectionString, table))
        {
            var signed = new ConnectionInfo("new", 2, "127.0.0.1:6000") { ClientSubject = "CN=device-9" };
            Assert.Equal(1, sink.Write(TestBatch.Of(PayloadFormat.Text, signed, 1, "stored after"), accepted: true, rejected: true));
        }
        // A second sink finds the column and writes on: nothing is added twice.
        using (var again = new PostgresSink(_server.ConnectionString, table))
            Assert.Equal(1, again.Write(TestBatch.Of(PayloadFormat.Text, new ConnectionInfo("new", 3, "127.0.0.1:6001"), 1, "and again"), true, true));

        Assert.Equal<object?[]>([Row("stored before", null), Row("stored after", "CN=device-9"), Row("and again", null)],
            _server.Query($"SELECT payload, client_subject FROM \"{table}\" ORDER BY id"));
        Assert.Equal<object?[]>([Row("text", "YES")],
            _server.Query($"SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = '{table}' AND column_name = 'client_subject'"));

        // Reparse reads the quarantine of such a table too (adding resolved_at beside client_subject).
        var quarantineTable = PostgresServer.UniqueTable("old_quarantine");
        CreateAsThePreviousVersionDid(quarantineTable, quarantined: true);
        using var quarantine = new PostgresQuarantine(_server.ConnectionString, quarantineTable);
        var entry = Assert.Single(quarantine.Unresolved(since: null));
        Assert.Equal(("invalid-json", null), (entry.Reason, entry.ClientSubject));
    }

    [PostgresFact]
    public void A_user_who_may_not_alter_an_old_table_is_told_what_the_owner_must_run()
    {
        var table = PostgresServer.UniqueTable("not_ours");
        var role = PostgresServer.UniqueTable("writer");
        CreateAsThePreviousVersionDid(table);
        _server.Query($"CREATE ROLE {role} LOGIN; GRANT SELECT, INSERT ON \"{table}\" TO {role}; GRANT USAGE ON SEQUENCE \"{table}_id_seq\" TO {role}");
        var connectionString = _server.ConnectionString.Replace("Username=postgres", $"Username={role}", StringComparison.Ordinal);

        using var sink = new PostgresSink(connectionString, table);
        var failure = Assert.Throws<InvalidOperationException>(() =>
            sink.Write(TestBatch.Of(PayloadFormat.Text, new ConnectionInfo("s", 1, "127.0.0.1:1"), 1, "x"), true, true));

        Assert.Contains($"PostgreSQL table \"{table}\" has no client_subject column and this user may not add it", failure.Message);
        Assert.Contains($"ALTER TABLE \"{table}\" ADD COLUMN IF NOT EXISTS client_subject text", failure.Message);
        Assert.Equal(1L, _server.Count(table));
    }

    /// <summary>The table as the postgres sink created it before client_subject existed, with one row.</summary>
    private void CreateAsThePreviousVersionDid(string table, bool quarantined = false)
    {
        _server.Query($"""
            CREATE TABLE "{table}" (
              id bigserial PRIMARY KEY, source text NOT NULL, connection bigint NOT NULL, peer text NOT NULL, seq bigint NOT NULL,
              received_at timestamptz NOT NULL, payload text, error text, reason text, raw bytea, raw_length bigint);
            COMMENT ON COLUMN "{table}".payload IS 'actornet payload format: text';
            CREATE INDEX "{table}_by_connection" ON "{table}" (source, connection, seq);
            """);
        _server.Query(quarantined
            ? $"INSERT INTO \"{table}\" (source, connection, peer, seq, received_at, error, reason, raw, raw_length) VALUES ('old', 1, '10.0.0.1:5000', 1, now(), 'invalid JSON', 'invalid-json', '\\x6869', 2)"
            : $"INSERT INTO \"{table}\" (source, connection, peer, seq, received_at, payload) VALUES ('old', 1, '10.0.0.1:5000', 1, now(), 'stored before')");
    }

    private static object?[] Row(params object?[] values) => values;
}
