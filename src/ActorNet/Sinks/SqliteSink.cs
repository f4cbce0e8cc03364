using System.Text;
using ActorNet.Configuration;
using ActorNet.Parsing;
using ActorNet.Pipeline;
using Microsoft.Data.Sqlite;

namespace ActorNet.Sinks;

/// <summary>
/// Stores records in a SQLite file: WAL journal (readers never block the writer), one transaction per batch
/// (a batch is stored whole or not at all, so the sink actor's retry never duplicates), the schema created on
/// first use. The table holds data and quarantine records alike: <c>error</c>, <c>reason</c>, <c>raw</c> and
/// <c>raw_length</c> are null for data. <c>payload</c> is TEXT: the JSON text for the json parser, the text for
/// text, base64 for binary.
/// </summary>
public sealed class SqliteSink : IFrameSink
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _source, _connectionId, _peer, _seq, _receivedAt, _payload, _error, _reason, _raw, _rawLength;

    public SqliteSink(SinkSettings settings)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.Path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = settings.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Two sinks may share one file (data and quarantine tables): wait for the other's transaction.
            DefaultTimeout = 30,
            Pooling = false,
        }.ToString());
        _connection.Open();
        // FULL: a commit is fsynced before Write returns, which is what OnWrite durability (and ACK n) promises; NORMAL
        // would survive a process crash but lose acknowledged transactions to a power cut.
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;");
        var table = Quote(settings.Table);
        Execute($"""
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
            CREATE INDEX IF NOT EXISTS {Quote(settings.Table + "_by_connection")} ON {table} (source, connection, seq);
            """);

        _insert = _connection.CreateCommand();
        _insert.CommandText = $"INSERT INTO {table} (source, connection, peer, seq, received_at, payload, error, reason, raw, raw_length) " +
                              "VALUES ($source, $connection, $peer, $seq, $received_at, $payload, $error, $reason, $raw, $raw_length)";
        _source = _insert.Parameters.Add("$source", SqliteType.Text);
        _connectionId = _insert.Parameters.Add("$connection", SqliteType.Integer);
        _peer = _insert.Parameters.Add("$peer", SqliteType.Text);
        _seq = _insert.Parameters.Add("$seq", SqliteType.Integer);
        _receivedAt = _insert.Parameters.Add("$received_at", SqliteType.Text);
        _payload = _insert.Parameters.Add("$payload", SqliteType.Text);
        _error = _insert.Parameters.Add("$error", SqliteType.Text);
        _reason = _insert.Parameters.Add("$reason", SqliteType.Text);
        _raw = _insert.Parameters.Add("$raw", SqliteType.Blob);
        _rawLength = _insert.Parameters.Add("$raw_length", SqliteType.Integer);
        _insert.Prepare();
    }

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        var connection = batch.Connection;
        _source.Value = connection.Source;
        _connectionId.Value = connection.Id;
        _peer.Value = connection.Peer;
        _receivedAt.Value = batch.Frames.ReceivedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var written = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var rejection = batch.Rejections?[i];
            if (rejection is null ? !accepted : !rejected) continue;
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

    public SinkDurability Durability => SinkDurability.OnWrite;

    public void Probe() => Execute("SELECT 1");

    /// <summary>Every batch is committed by <see cref="Write"/>; nothing is buffered.</summary>
    public void Flush()
    {
    }

    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Table names are validated in the settings (letters, digits, '_'); quoting keeps keywords usable.
    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
