using System.Buffers.Text;
using ActorNet.Parsing;
using ActorNet.Protocol;
using ActorNet.Sinks.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace ActorNet.Sinks;

/// <summary>
/// Stores records in a PostgreSQL table, one transaction per batch: the batch's rows go in by binary COPY and
/// <see cref="Write"/> returns only after the commit, so a batch is stored whole or not at all and the sink
/// actor's retry after a failure does not duplicate it.
///
/// <para>The table is created on first use, if absent, with the columns <c>id</c>, <c>source</c>, <c>connection</c>,
/// <c>peer</c>, <c>seq</c>, <c>received_at</c>, <c>payload</c>, <c>error</c>, <c>reason</c>, <c>raw</c> (bytea),
/// <c>raw_length</c> and <c>client_subject</c>, and an index on (source, connection, seq). Data and quarantine records
/// share the layout: <c>error</c>, <c>reason</c>, <c>raw</c> and <c>raw_length</c> are null for data, <c>payload</c>
/// for quarantine. <c>client_subject</c> is the subject of the TLS client certificate the peer presented, null
/// without one; a table made before it existed gains it on the sink's next connect. A table holds one payload format,
/// chosen by the first batch written: json payloads as <c>payload jsonb</c> (query with
/// <c>payload-&gt;&gt;'field'</c>), text as <c>payload text</c>, binary as base64 in <c>payload text</c> (see
/// <see cref="PayloadColumn"/>). A batch of another format fails with a message that says so, and keeps failing (and
/// being retried) until the configuration gives it a table of its own.</para>
///
/// <para>A record the database cannot hold though the parser accepted it (a NUL character in text, a
/// <c>\u0000</c> escape or a number out of jsonb's range in JSON) must not block the batches behind it forever:
/// when COPY fails on the data, the batch is written again row by row and such a record is stored with
/// <c>payload</c> null, <c>reason</c> <c>postgres-rejected</c>, the database's message as <c>error</c> and the
/// payload's bytes as <c>raw</c>.</para>
///
/// <para>Connections: one, opened on the first write and after every failure (a failed write closes it, so the
/// retry starts on a fresh one). A commit whose outcome is unknown (the connection broke while COMMIT was on its
/// way) is settled by the retry: it ends the server process that was sent the COMMIT, if it is still there, and
/// then writes the batch only if its first row is not stored. Only a sink that restarts in between (and so
/// forgets) could store such a batch twice.</para>
/// </summary>
public sealed class PostgresSink : IFrameSink
{
    private const string UnstorableReason = "postgres-rejected";

    private const string SessionStarted = "SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()";
    private const string SessionAlive = "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2)";
    private const string TerminateSession = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2";

    private static readonly TimeSpan SessionEndLimit = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresTable _table;
    private NpgsqlConnection? _connection;
    private PayloadColumn? _payload;
    private Session? _session;
    private CommitInDoubt? _inDoubt;
    private byte[] _base64 = [];

    /// <param name="connectionString">An Npgsql connection string (<c>Host=...;Username=...;Database=...</c>).</param>
    /// <param name="table">Letters, digits and '_', not starting with a digit; used as written (quoted).</param>
    /// <exception cref="ArgumentException">The connection string or the table name is malformed.</exception>
    public PostgresSink(string connectionString, string table)
    {
        _table = new PostgresTable(table);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "actornet";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>A server process: its pid, and when it started (pids are reused).</summary>
    private sealed record Session(int Pid, DateTime Started);

    /// <summary>A batch, by its first row: connection ids restart with the process, the time they were received does not.</summary>
    private sealed record FirstRow(ConnectionInfo Connection, long Seq, DateTime ReceivedAt);

    /// <summary>The commit of <paramref name="Batch"/> by <paramref name="Session"/> failed before its outcome was known.</summary>
    private sealed record CommitInDoubt(FirstRow Batch, Session Session);

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        var count = CountSelected(batch, accepted, rejected, out var first, out var hasPayloads);
        if (count == 0) return 0;
        try
        {
            var connection = Open(batch.Format);
            if (hasPayloads && _payload!.Mismatch(batch.Format, _table.Name) is { } mismatch) throw new InvalidOperationException(mismatch);
            if (_inDoubt is { } doubt)
            {
                var committed = doubt.Batch == Identify(batch, first) && WasCommitted(connection, doubt);
                _inDoubt = null;
                if (committed) return count;
            }
            WriteInTransaction(connection, batch, accepted, rejected, first);
            return count;
        }
        catch
        {
            Close();
            throw;
        }
    }

    public SinkDurability Durability => SinkDurability.OnWrite;

    /// <summary>A round trip on the sink's connection, or on a fresh one when it has none.</summary>
    public void Probe()
    {
        try
        {
            if (_connection is { } open)
            {
                Scalar(open, "SELECT 1");
                return;
            }
            using var connection = _dataSource.OpenConnection();
            Scalar(connection, "SELECT 1");
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

    public void Dispose()
    {
        Close();
        _dataSource.Dispose();
    }

    private static int CountSelected(ParsedBatch batch, bool accepted, bool rejected, out int first, out bool hasPayloads)
    {
        var count = 0;
        first = -1;
        hasPayloads = false;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.Selects(i, accepted, rejected)) continue;
            if (count++ == 0) first = i;
            hasPayloads |= !batch.IsRejected(i);
        }
        return count;
    }

    private NpgsqlConnection Open(PayloadFormat format)
    {
        if (_connection is not null) return _connection;
        var connection = _dataSource.OpenConnection();
        try
        {
            _payload = EnsureTable(connection, format);
            _session = new Session(connection.ProcessID, (DateTime)Scalar(connection, SessionStarted)!);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return _connection = connection;
    }

    /// <summary>
    /// Creates the table if it is absent, or adds <c>client_subject</c> to one made before that column existed; returns
    /// its payload column. Checked on every new connection.
    /// </summary>
    private PayloadColumn EnsureTable(NpgsqlConnection connection, PayloadFormat format)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, _table.Lock);
        // An existing table is only read: disposing the transaction rolls it back, which releases the lock.
        if (ReadTable(connection) is { } existing)
        {
            if (existing.HasClientSubject) return existing.Payload;
            AddClientSubject(connection);
            transaction.Commit();
            return existing.Payload;
        }
        var created = PayloadColumn.For(format);
        Execute(connection, _table.Create(created));
        transaction.Commit();
        return created;
    }

    private void AddClientSubject(NpgsqlConnection connection)
    {
        try
        {
            Execute(connection, _table.AddClientSubject);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"PostgreSQL table \"{_table.Name}\" has no client_subject column and this user may not add it ({e.MessageText}); " +
                $"have the table's owner run: {_table.AddClientSubject}", e);
        }
    }

    /// <summary>The payload column of the table and whether it has <c>client_subject</c>, or null when there is no such table.</summary>
    private (PayloadColumn Payload, bool HasClientSubject)? ReadTable(NpgsqlConnection connection)
    {
        using var probe = new NpgsqlCommand(_table.Probe, connection);
        using var reader = probe.ExecuteReader();
        reader.Read();
        if (!reader.GetBoolean(0)) return null;
        if (reader.IsDBNull(1))
            throw new InvalidOperationException($"PostgreSQL table \"{_table.Name}\" exists but has no payload column; expected a table made by ActorNet, or one with its columns");
        return (PayloadColumn.Read(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)), reader.GetBoolean(3));
    }

    private void WriteInTransaction(NpgsqlConnection connection, ParsedBatch batch, bool accepted, bool rejected, int first)
    {
        using (var transaction = connection.BeginTransaction())
        {
            if (TryCopyAll(connection, transaction, batch, accepted, rejected, first))
            {
                Commit(transaction, batch, first);
                return;
            }
        }
        using var retry = connection.BeginTransaction();
        CopyRowByRow(connection, retry, batch, accepted, rejected, first);
        Commit(retry, batch, first);
    }

    /// <summary>The batch in one COPY; false (and the transaction rolled back) when the database refused a value.</summary>
    private bool TryCopyAll(NpgsqlConnection connection, NpgsqlTransaction transaction, ParsedBatch batch, bool accepted, bool rejected, int first)
    {
        try
        {
            using var copy = connection.BeginBinaryImport(_table.Copy);
            for (var i = first; i < batch.Count; i++)
            {
                if (batch.Selects(i, accepted, rejected)) WriteRow(copy, batch, i, batch.Rejections?[i]);
            }
            copy.Complete();
            return true;
        }
        catch (PostgresException e) when (IsAboutData(e))
        {
            transaction.Rollback();
            return false;
        }
    }

    /// <summary>
    /// The slow path, for a batch with a value the database refuses: each record under a savepoint of its own,
    /// a refused one replaced by a row that says why.
    /// </summary>
    private void CopyRowByRow(NpgsqlConnection connection, NpgsqlTransaction transaction, ParsedBatch batch, bool accepted, bool rejected, int first)
    {
        for (var i = first; i < batch.Count; i++)
        {
            if (!batch.Selects(i, accepted, rejected)) continue;
            var rejection = batch.Rejections?[i];
            var index = i;
            transaction.Save("record");
            try
            {
                CopyOne(connection, copy => WriteRow(copy, batch, index, rejection));
            }
            catch (PostgresException e) when (IsAboutData(e))
            {
                transaction.Rollback("record");
                CopyOne(connection, copy => WriteUnstorableRow(copy, batch, index, rejection, e));
            }
            transaction.Release("record");
        }
    }

    private void CopyOne(NpgsqlConnection connection, Action<NpgsqlBinaryImporter> writeRow)
    {
        using var copy = connection.BeginBinaryImport(_table.Copy);
        writeRow(copy);
        copy.Complete();
    }

    private void Commit(NpgsqlTransaction transaction, ParsedBatch batch, int first)
    {
        try
        {
            transaction.Commit();
        }
        catch
        {
            // The server may have committed and lost the connection before saying so: the retry looks first.
            _inDoubt = new CommitInDoubt(Identify(batch, first), _session!);
            throw;
        }
    }

    private static FirstRow Identify(ParsedBatch batch, int first) =>
        new(batch.Connection, batch.Seq(first), AsUtc(batch.Frames.ReceivedAt));

    /// <summary>
    /// Whether the commit in doubt went through. The server process that was sent the COMMIT may still be running
    /// it (while a synchronous standby confirms, say), or may be idle in the transaction if the COMMIT never
    /// arrived; either way its outcome is final only once the process has ended, so it is ended first. Then the
    /// batch's first row tells: all of the batch is stored or none of it.
    /// </summary>
    private bool WasCommitted(NpgsqlConnection connection, CommitInDoubt doubt)
    {
        var session = doubt.Session;
        Scalar(connection, TerminateSession, session.Pid, session.Started);
        var deadline = DateTime.UtcNow + SessionEndLimit;
        while ((bool)Scalar(connection, SessionAlive, session.Pid, session.Started)!)
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"PostgreSQL server process {session.Pid}, whose COMMIT of this batch went unanswered, " +
                                                    $"did not end within {SessionEndLimit.TotalSeconds} s of being terminated; the batch is written once it has");
            // Sinks run on a thread of their own: waiting here holds up only this sink.
            Thread.Sleep(10);
        }
        var batch = doubt.Batch;
        return (bool)Scalar(connection, _table.Stored, batch.Connection.Source, batch.Connection.Id, batch.Seq, batch.ReceivedAt)!;
    }

    private void WriteRow(NpgsqlBinaryImporter copy, ParsedBatch batch, int index, RejectedFrame? rejection)
    {
        WriteIdentity(copy, batch, index);
        if (rejection is null)
        {
            WritePayload(copy, batch.Format, batch.Payload(index));
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
            copy.WriteNull();
        }
        else
        {
            copy.WriteNull();
            copy.Write(rejection.Error, NpgsqlDbType.Text);
            copy.Write(rejection.Reason, NpgsqlDbType.Text);
            copy.Write(rejection.Raw, NpgsqlDbType.Bytea);
            copy.Write(rejection.RawLength, NpgsqlDbType.Bigint);
        }
        WriteClientSubject(copy, batch);
    }

    /// <summary>
    /// A record the database refused, kept with the refusal: only text of ActorNet's own goes in text columns
    /// (the record's error or reason may be what was refused), its bytes go in <c>raw</c>.
    /// </summary>
    private static void WriteUnstorableRow(NpgsqlBinaryImporter copy, ParsedBatch batch, int index, RejectedFrame? rejection, PostgresException refusal)
    {
        var raw = rejection?.Raw ?? batch.Payload(index);
        WriteIdentity(copy, batch, index);
        copy.WriteNull();
        copy.Write($"PostgreSQL could not store this {(rejection is null ? "payload" : "quarantine record")}: {refusal.SqlState} {refusal.MessageText}", NpgsqlDbType.Text);
        copy.Write(UnstorableReason, NpgsqlDbType.Text);
        copy.Write(raw, NpgsqlDbType.Bytea);
        copy.Write(rejection?.RawLength ?? raw.Length, NpgsqlDbType.Bigint);
        WriteClientSubject(copy, batch);
    }

    /// <summary>The last column of a row (see <see cref="PostgresTable"/>'s COPY order).</summary>
    private static void WriteClientSubject(NpgsqlBinaryImporter copy, ParsedBatch batch)
    {
        if (batch.Connection.ClientSubject is { } subject) copy.Write(subject, NpgsqlDbType.Text);
        else copy.WriteNull();
    }

    private static void WriteIdentity(NpgsqlBinaryImporter copy, ParsedBatch batch, int index)
    {
        var connection = batch.Connection;
        copy.StartRow();
        copy.Write(connection.Source, NpgsqlDbType.Text);
        copy.Write(connection.Id, NpgsqlDbType.Bigint);
        copy.Write(connection.Peer, NpgsqlDbType.Text);
        copy.Write(batch.Seq(index), NpgsqlDbType.Bigint);
        copy.Write(AsUtc(batch.Frames.ReceivedAt), NpgsqlDbType.TimestampTz);
    }

    private void WritePayload(NpgsqlBinaryImporter copy, PayloadFormat format, ReadOnlyMemory<byte> payload)
    {
        // Npgsql sends UTF-8 bytes for text and jsonb as they are: no string is built per record.
        switch (format)
        {
            case PayloadFormat.Json:
                copy.Write(payload, NpgsqlDbType.Jsonb);
                break;
            case PayloadFormat.Text:
                copy.Write(payload, NpgsqlDbType.Text);
                break;
            default:
                var length = Base64.GetMaxEncodedToUtf8Length(payload.Length);
                if (_base64.Length < length) _base64 = new byte[Math.Max(length, _base64.Length * 2)];
                Base64.EncodeToUtf8(payload.Span, _base64, out _, out var written);
                // The importer has serialized the value when Write returns, so the buffer is free again after it.
                copy.Write(new ReadOnlyMemory<byte>(_base64, 0, written), NpgsqlDbType.Text);
                break;
        }
    }

    /// <summary>
    /// Errors about the values of a record (class 22, data exception: a NUL in text, an unsupported escape in
    /// jsonb; class 54, a program limit: nesting too deep), not about the connection or the table.
    /// </summary>
    private static bool IsAboutData(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("54", StringComparison.Ordinal);

    private static DateTime AsUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        // FrameBatch.ReceivedAt is documented as UTC; Npgsql refuses an unspecified kind for timestamptz.
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The first value <paramref name="sql"/> returns, with <paramref name="parameters"/> as $1, $2, ...</summary>
    private static object? Scalar(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return command.ExecuteScalar();
    }

    private void Close()
    {
        var connection = _connection;
        _connection = null;
        _payload = null;
        _session = null;
        if (connection is null) return;
        connection.Dispose();
        // A connection that failed must not come back from the pool for the retry.
        _dataSource.Clear();
    }
}
