using Microsoft.Data.Sqlite;

namespace ActorNet.Sinks.Sqlite;

/// <summary>
/// The <c>resolved_at</c> column of a sqlite sink's table: null until <c>actornet reparse</c> stored a quarantined
/// row's frame after all. Added to tables created before it existed: <c>ALTER TABLE ... ADD COLUMN</c> of a nullable
/// column without a default only rewrites the schema, not the rows, so it is instant and safe on a database in use
/// (an insert prepared by a running sink is re-prepared by SQLite on its next use).
/// </summary>
internal static class ResolvedAtColumn
{
    public const string Name = "resolved_at";

    public static void Ensure(SqliteConnection connection, string table)
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

    private static bool Exists(SqliteConnection connection, string table)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT 1 FROM pragma_table_info($table) WHERE name = $name";
        columns.Parameters.AddWithValue("$table", table);
        columns.Parameters.AddWithValue("$name", Name);
        return columns.ExecuteScalar() is not null;
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
