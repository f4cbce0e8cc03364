using Microsoft.Data.Sqlite;

namespace ActorNet.IntegrationTests.Executable;

/// <summary>One row of the sqlite sink's <c>frames</c> table.</summary>
public sealed record StoredRow(long Connection, long Seq, string? Payload, string? Reason, byte[]? Raw);

/// <summary>Reads what the sqlite sink stored, read-only, possibly while ActorNet still writes (WAL: no blocking).</summary>
public static class StoredRows
{
    /// <summary>The rows of <paramref name="source"/> in <paramref name="database"/>, in insertion order; none if the table does not exist yet.</summary>
    public static IReadOnlyList<StoredRow> Read(string database, string source)
    {
        if (!File.Exists(database)) return [];
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = database,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'frames'";
        if ((long)command.ExecuteScalar()! == 0) return [];

        command.CommandText = "SELECT connection, seq, payload, reason, raw FROM frames WHERE source = $source ORDER BY id";
        command.Parameters.AddWithValue("$source", source);
        using var reader = command.ExecuteReader();
        var rows = new List<StoredRow>();
        while (reader.Read())
        {
            rows.Add(new StoredRow(reader.GetInt64(0), reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4)));
        }
        return rows;
    }
}
