using Microsoft.Data.Sqlite;

namespace ActorNet.Sinks.Sqlite;

/// <summary>
/// A nullable column of a sqlite sink's table that later versions added, so tables created before it existed gain it
/// when a sink or <c>actornet reparse</c> opens them: <c>ALTER TABLE ... ADD COLUMN</c> of a nullable column without a
/// default only rewrites the schema, not the rows, so it is instant and safe on a database in use (an insert prepared
/// by a running sink is re-prepared by SQLite on its next use). Rows stored before hold null in it.
/// </summary>
internal sealed class AddedColumn
{
    /// <summary>Null until <c>actornet reparse</c> stored a quarantined row's frame after all.</summary>
    public static readonly AddedColumn ResolvedAt = new("resolved_at");

    /// <summary>The subject of the TLS client certificate the connection's peer presented; null without one.</summary>
    public static readonly AddedColumn ClientSubject = new("client_subject");

    private AddedColumn(string name) => Name = name;

    public string Name { get; }

    /// <summary>Every added column, in the order they came: a new table gains them in this order too.</summary>
    public static void EnsureAll(SqliteConnection connection, string table)
    {
        ResolvedAt.Ensure(connection, table);
        ClientSubject.Ensure(connection, table);
    }

    public void Ensure(SqliteConnection connection, string table)
    {
        if (Exists(connection, table)) return;
        using var alter = connection.CreateCommand();
        alter.CommandText = $"ALTER TABLE {Quote(table)} ADD COLUMN {Name} TEXT";
        try
        {
            alter.ExecuteNonQuery();
        }
        catch (SqliteException) when (Exists(connection, table))
        {
            // Another process (a sink, or a second reparse) added it between the check and the ALTER.
        }
    }

    private bool Exists(SqliteConnection connection, string table)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT 1 FROM pragma_table_info($table) WHERE name = $name";
        columns.Parameters.AddWithValue("$table", table);
        columns.Parameters.AddWithValue("$name", Name);
        return columns.ExecuteScalar() is not null;
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
