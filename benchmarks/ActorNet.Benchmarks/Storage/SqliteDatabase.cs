using Microsoft.Data.Sqlite;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// A temporary folder with one SQLite file per run. A run's file (and its -wal and -shm companions) is deleted
/// as soon as the run is counted, so that a long series does not fill the disk; the folder goes at the end.
/// </summary>
public sealed class SqliteDatabase : IStoreDatabase
{
    /// <summary>Named in the sink's keys rather than left to the default, so that the count below reads the same table.</summary>
    private const string Table = "frames";

    private readonly string _directory;

    private SqliteDatabase(string directory, string version)
    {
        _directory = directory;
        // The journal settings are the sink's own (SqliteSink: WAL, synchronous = NORMAL), not chosen here.
        Description = $"SQLite {version} (Microsoft.Data.Sqlite), files in {directory}";
    }

    public string Description { get; }

    public static SqliteDatabase Create()
    {
        string directory = Path.Combine(Path.GetTempPath(), "actornet-store-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return new SqliteDatabase(directory, (string)command.ExecuteScalar()!);
    }

    public IStoreDestination CreateDestination(string label) => new SqliteFile(Path.Combine(_directory, label + ".db"));

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException e)
        {
            // A leftover temporary folder is not worth failing a finished measurement over; say where it is.
            Console.Error.WriteLine($"warning: could not delete {_directory}: {e.Message}");
        }

        return ValueTask.CompletedTask;
    }

    private sealed class SqliteFile(string path) : IStoreDestination
    {
        public string Name => path;

        public string SinkKeys => $"type = sqlite, path = {HoconString.Quote(path)}, table = {Table}";

        public async Task<StoredRows> CountAsync(CancellationToken cancellationToken)
        {
            if (!File.Exists(path))
            {
                return new StoredRows(0, 0);
            }

            // Not pooled: a pooled connection would keep the file open after the run and block its deletion.
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                SqliteCommand command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = $"SELECT count(*), count(DISTINCT payload) FROM \"{Table}\"";
                    SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        return new StoredRows(reader.GetInt64(0), reader.GetInt64(1));
                    }
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            foreach (string file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            return ValueTask.CompletedTask;
        }
    }
}
