using ActorNet.Sinks.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace ActorNet.Sinks.Quarantine;

/// <summary>
/// The quarantine of a postgres sink: the rows of its table with an <c>error</c> and no <c>resolved_at</c>, as in
/// <see cref="SqliteQuarantine"/>. The <c>resolved_at timestamptz</c> column (and <c>client_subject</c>, should a sink
/// not have added it yet) is added by the first reparse of a table
/// (<c>ADD COLUMN IF NOT EXISTS</c> of a nullable column without a default changes only the catalogue: instant, and
/// safe while a sink writes, which waits for the brief lock). Rows are read a page at a time by id; each batch of
/// marks is one transaction.
/// </summary>
public sealed class PostgresQuarantine : IQuarantineStore
{
    private const int PageSize = 512;

    private readonly PostgresTable _table;
    private readonly NpgsqlConnection _connection;

    public PostgresQuarantine(string connectionString, string table)
    {
        _table = new PostgresTable(table);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "actornet reparse";
        _connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            _connection.Open();
            using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", _connection) { Parameters = { new() { Value = _table.Quoted } } };
            if (exists.ExecuteScalar() is not true) throw new InvalidOperationException($"the quarantine table {table} does not exist");
            using var alter = new NpgsqlCommand($"ALTER TABLE {_table.Quoted} ADD COLUMN IF NOT EXISTS resolved_at timestamptz, ADD COLUMN IF NOT EXISTS client_subject text", _connection);
            alter.ExecuteNonQuery();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public IEnumerable<QuarantinedFrame> Unresolved(DateTime? since) => RowPages.ById(after => ReadPage(after, since), PageSize);

    private List<QuarantinedFrame> ReadPage(long after, DateTime? since)
    {
        using var select = new NpgsqlCommand(
            $"SELECT id, source, connection, peer, seq, received_at, error, reason, raw, raw_length, client_subject FROM {_table.Quoted} " +
            "WHERE id > $1 AND error IS NOT NULL AND resolved_at IS NULL AND ($2::timestamptz IS NULL OR received_at >= $2) " +
            $"ORDER BY id LIMIT {PageSize}", _connection);
        select.Parameters.Add(new NpgsqlParameter { Value = after });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = since is { } from ? from : DBNull.Value });
        var page = new List<QuarantinedFrame>();
        using var rows = select.ExecuteReader();
        while (rows.Read())
        {
            var raw = rows.IsDBNull(8) ? [] : (byte[])rows.GetValue(8);
            page.Add(new QuarantinedFrame(
                Source: rows.GetString(1),
                Connection: rows.GetInt64(2),
                Peer: rows.GetString(3),
                Seq: rows.GetInt64(4),
                ReceivedAt: DateTime.SpecifyKind(rows.GetDateTime(5), DateTimeKind.Utc),
                Error: rows.GetString(6),
                Reason: rows.IsDBNull(7) ? "" : rows.GetString(7),
                Raw: raw,
                RawLength: rows.IsDBNull(9) ? raw.LongLength : rows.GetInt64(9),
                Key: rows.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture)) { ClientSubject = rows.IsDBNull(10) ? null : rows.GetString(10) });
        }
        return page;
    }

    public void Mark(IReadOnlyList<QuarantinedFrame> resolved, DateTime resolvedAt, IReadOnlyList<StillFailing> stillFailing)
    {
        if (resolved.Count == 0 && stillFailing.Count == 0) return;
        using var transaction = _connection.BeginTransaction();
        using (var resolve = new NpgsqlCommand($"UPDATE {_table.Quoted} SET resolved_at = $1 WHERE id = ANY($2)", _connection, transaction))
        {
            resolve.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = resolvedAt });
            resolve.Parameters.Add(new NpgsqlParameter { Value = resolved.Select(f => long.Parse(f.Key, System.Globalization.CultureInfo.InvariantCulture)).ToArray() });
            resolve.ExecuteNonQuery();
        }
        using (var reason = new NpgsqlCommand($"UPDATE {_table.Quoted} SET error = $1, reason = $2 WHERE id = $3", _connection, transaction))
        {
            var error = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text };
            var label = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text };
            var id = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint };
            reason.Parameters.Add(error);
            reason.Parameters.Add(label);
            reason.Parameters.Add(id);
            foreach (var failing in stillFailing)
            {
                error.Value = failing.Error;
                label.Value = failing.Reason;
                id.Value = long.Parse(failing.Frame.Key, System.Globalization.CultureInfo.InvariantCulture);
                reason.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    public void Dispose() => _connection.Dispose();
}
