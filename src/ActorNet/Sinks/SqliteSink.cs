using ActorNet.IO;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks.Sqlite;
using Microsoft.Data.Sqlite;

namespace ActorNet.Sinks;

/// <summary>
/// Stores records in a SQLite file: WAL journal (readers never block the writer), one transaction per batch
/// (a batch is stored whole or not at all, so the sink actor's retry never duplicates), the schema created on
/// first use. A failed write or probe closes the connection and the next one opens the file again: a database
/// made writable again, unlocked, or removed and created anew is picked up without a restart. Before and after
/// every commit the sink checks that its path still names the file it opened (<see cref="FileIdentity"/>): a
/// commit into a file removed meanwhile is reported as a failure, so the batch is written again into the new file
/// and never acknowledged from one nobody can read. The table holds data and quarantine records alike: <c>error</c>, <c>reason</c>, <c>raw</c> and
/// <c>raw_length</c> are null for data; <c>resolved_at</c> is set by <c>actornet reparse</c> on a quarantined row
/// whose frame it stored after all; <c>client_subject</c> holds the subject of the TLS client certificate the peer
/// presented, null without one (both columns added to older tables, see <see cref="AddedColumn"/>). <c>payload</c> is TEXT: the JSON text for the json parser, the text for
/// text, base64 for binary.
/// </summary>
public sealed class SqliteSink : IFrameSink
{
    // Short enough that a database locked by another process shows as an outage (readiness 503, retried with
    // backoff) within seconds rather than blocking the sink actor silently; long enough that two sinks sharing a
    // file (data and quarantine tables) wait out each other's millisecond transactions. Both SQLite (busy_timeout)
    // and Microsoft.Data.Sqlite (its own retry loop, bounded by the command timeout) wait on a lock: both get it.
    private const int BusyTimeoutSeconds = 5;

    private readonly SinkSettings _settings;
    private SqliteConnection? _connection;
    private SqliteCommand? _insert;
    private SqliteParameter _source = null!, _connectionId = null!, _peer = null!, _seq = null!, _receivedAt = null!, _payload = null!,
        _error = null!, _reason = null!, _raw = null!, _rawLength = null!, _clientSubject = null!;
    private FileIdentity? _opened;

    public SqliteSink(SinkSettings settings)
    {
        _settings = settings;
        Open();
    }

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        if (_connection is null) Open();
        try
        {
            EnsureSameFile();
            var written = Insert(batch, accepted, rejected);
            // A commit into a file removed meanwhile reached no one: fail it, so it is written again where the path points.
            EnsureSameFile();
            return written;
        }
        catch
        {
            Close();
            throw;
        }
    }

    public SinkDurability Durability => SinkDurability.OnWrite;

    public void Probe()
    {
        if (_connection is null) Open();
        try
        {
            EnsureSameFile();
            Execute(_connection!, "SELECT 1");
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>Every batch is committed by <see cref="Write"/>; nothing is buffered.</summary>
    public void Flush()
    {
    }

    public void Dispose() => Close();

    private void Open()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_settings.Path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _settings.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = BusyTimeoutSeconds,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            // FULL: a commit is fsynced before Write returns, which is what OnWrite durability (and ACK n) promises; NORMAL
            // would survive a process crash but lose acknowledged transactions to a power cut.
            Execute(connection, $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000};");
            var table = Quote(_settings.Table);
            Execute(connection, $"""
                CREATE TABLE IF NOT EXISTS {table} (
                  id INTEGER PRIMARY KEY,
                  source TEXT NOT NULL,
                  connection INTEGER NOT NULL,
                  peer TEXT NOT NULL,
                  seq INTEGER NOT NULL,
                  received_at TEXT NOT NULL,
                  payload TEXT,
                  error TEXT,
                  reason TEXT,
                  raw BLOB,
                  raw_length INTEGER);
                CREATE INDEX IF NOT EXISTS {Quote(_settings.Table + "_by_connection")} ON {table} (source, connection, seq);
                """);
            AddedColumn.EnsureAll(connection, _settings.Table);
            _insert = PrepareInsert(connection, table);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        _connection = connection;
        // Read after the schema exists, so the file is there even when this open created it.
        _opened = FileIdentity.Of(_settings.Path);
    }

    private SqliteCommand PrepareInsert(SqliteConnection connection, string table)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} (source, connection, peer, seq, received_at, payload, error, reason, raw, raw_length, client_subject) " +
                             "VALUES ($source, $connection, $peer, $seq, $received_at, $payload, $error, $reason, $raw, $raw_length, $client_subject)";
        _source = insert.Parameters.Add("$source", SqliteType.Text);
        _connectionId = insert.Parameters.Add("$connection", SqliteType.Integer);
        _peer = insert.Parameters.Add("$peer", SqliteType.Text);
        _seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        _receivedAt = insert.Parameters.Add("$received_at", SqliteType.Text);
        _payload = insert.Parameters.Add("$payload", SqliteType.Text);
        _error = insert.Parameters.Add("$error", SqliteType.Text);
        _reason = insert.Parameters.Add("$reason", SqliteType.Text);
        _raw = insert.Parameters.Add("$raw", SqliteType.Blob);
        _rawLength = insert.Parameters.Add("$raw_length", SqliteType.Integer);
        _clientSubject = insert.Parameters.Add("$client_subject", SqliteType.Text);
        insert.Prepare();
        return insert;
    }

    private int Insert(ParsedBatch batch, bool accepted, bool rejected)
    {
        using var transaction = _connection!.BeginTransaction();
        _insert!.Transaction = transaction;
        var connection = batch.Connection;
        _source.Value = connection.Source;
        _connectionId.Value = connection.Id;
        _peer.Value = connection.Peer;
        _clientSubject.Value = connection.ClientSubject is { } subject ? subject : DBNull.Value;
        _receivedAt.Value = batch.Frames.ReceivedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var written = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.Selects(i, accepted, rejected)) continue;
            var rejection = batch.Rejections?[i];
            _seq.Value = batch.Seq(i);
            if (rejection is null)
            {
                var payload = batch.Payload(i).Span;
                _payload.Value = batch.Format == PayloadFormat.Binary ? Convert.ToBase64String(payload) : Encoding.UTF8.GetString(payload);
                _error.Value = _reason.Value = _raw.Value = _rawLength.Value = DBNull.Value;
            }
            else
            {
                _payload.Value = DBNull.Value;
                _error.Value = rejection.Error;
                _reason.Value = rejection.Reason;
                _raw.Value = rejection.Raw.ToArray();
                _rawLength.Value = rejection.RawLength;
            }
            _insert.ExecuteNonQuery();
            written++;
        }
        transaction.Commit();
        return written;
    }

    private void EnsureSameFile()
    {
        if (!FileIdentity.CanCheck) return;
        var now = FileIdentity.Of(_settings.Path);
        if (now is null || now != _opened)
            throw new IOException($"the database file {_settings.Path} was {(now is null ? "removed" : "replaced")} while open: " +
                                  "what was written to it since is not stored; opening the path again");
    }

    private void Close()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Table names are validated in the settings (letters, digits, '_'); quoting keeps keywords usable.
    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
