using System.Globalization;
using ActorNet.Sinks.Sqlite;
using Microsoft.Data.Sqlite;

namespace ActorNet.Sinks.Quarantine;

/// <summary>
/// The quarantine of a sqlite sink: the rows of its table with an <c>error</c> and no <c>resolved_at</c>. Reparse sets
/// <c>resolved_at</c> on a row whose frame it stored, and replaces <c>error</c> and <c>reason</c> of a row rejected
/// again, each batch of marks in one transaction. Rows are read a page at a time by id, so no statement stays open
/// while the sinks write (possibly into the same file) and rows marked meanwhile are never read twice.
/// </summary>
public sealed class SqliteQuarantine : IQuarantineStore
{
    private const int PageSize = 512;
    private const int BusyTimeoutSeconds = 5;

    private readonly string _table;
    private readonly SqliteConnection _connection;

    public SqliteQuarantine(string path, string table)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"the quarantine database {path} does not exist", path);
        _table = table;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            DefaultTimeout = BusyTimeoutSeconds,
            Pooling = false,
        }.ToString());
        try
        {
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000};";
                pragma.ExecuteNonQuery();
            }
            AddedColumn.EnsureAll(_connection, table);
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
        using var select = _connection.CreateCommand();
        // received_at is stored in the round-trip format ("O", UTC), whose text order is time order.
        select.CommandText = $"SELECT id, source, connection, peer, seq, received_at, error, reason, raw, raw_length, client_subject FROM {AddedColumn.Quote(_table)} " +
                             "WHERE id > $after AND error IS NOT NULL AND resolved_at IS NULL" +
                             (since is null ? "" : " AND received_at >= $since") +
                             $" ORDER BY id LIMIT {PageSize}";
        select.Parameters.AddWithValue("$after", after);
        if (since is { } from) select.Parameters.AddWithValue("$since", from.ToString("O", CultureInfo.InvariantCulture));
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
                ReceivedAt: DateTime.Parse(rows.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                Error: rows.GetString(6),
                Reason: rows.IsDBNull(7) ? "" : rows.GetString(7),
                Raw: raw,
                RawLength: rows.IsDBNull(9) ? raw.LongLength : rows.GetInt64(9),
                Key: rows.GetInt64(0).ToString(CultureInfo.InvariantCulture)) { ClientSubject = rows.IsDBNull(10) ? null : rows.GetString(10) });
        }
        return page;
    }

    public void Mark(IReadOnlyList<QuarantinedFrame> resolved, DateTime resolvedAt, IReadOnlyList<StillFailing> stillFailing)
    {
        if (resolved.Count == 0 && stillFailing.Count == 0) return;
        var table = AddedColumn.Quote(_table);
        using var transaction = _connection.BeginTransaction();
        using (var resolve = _connection.CreateCommand())
        {
            resolve.Transaction = transaction;
            resolve.CommandText = $"UPDATE {table} SET resolved_at = $at WHERE id = $id";
            resolve.Parameters.AddWithValue("$at", resolvedAt.ToString("O", CultureInfo.InvariantCulture));
            var id = resolve.Parameters.Add("$id", SqliteType.Integer);
            foreach (var frame in resolved)
            {
                id.Value = long.Parse(frame.Key, CultureInfo.InvariantCulture);
                resolve.ExecuteNonQuery();
            }
        }
        using (var reason = _connection.CreateCommand())
        {
            reason.Transaction = transaction;
            reason.CommandText = $"UPDATE {table} SET error = $error, reason = $reason WHERE id = $id";
            var error = reason.Parameters.Add("$error", SqliteType.Text);
            var label = reason.Parameters.Add("$reason", SqliteType.Text);
            var id = reason.Parameters.Add("$id", SqliteType.Integer);
            foreach (var failing in stillFailing)
            {
                error.Value = failing.Error;
                label.Value = failing.Reason;
                id.Value = long.Parse(failing.Frame.Key, CultureInfo.InvariantCulture);
                reason.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    public void Dispose() => _connection.Dispose();
}
