using System.Net;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using Npgsql;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// One PostgreSQL server for all runs, a new table per run: a throwaway server this command starts (and stops),
/// or the one --connection-string names, which must be on this machine. A run's table is dropped once it has been
/// counted, so that a series leaves nothing behind in a database that is not throwaway.
/// </summary>
public sealed class PostgresDatabase : IStoreDatabase
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresProcess? _server;

    private PostgresDatabase(NpgsqlDataSource dataSource, PostgresProcess? server, string connectionString, string description)
    {
        _dataSource = dataSource;
        _server = server;
        ConnectionString = connectionString;
        Description = description;
    }

    public string Description { get; }

    /// <summary>What the sink connects with.</summary>
    public string ConnectionString { get; }

    /// <param name="connectionString">A running server's, or null to start a throwaway one.</param>
    /// <param name="fsync">The throwaway server's fsync setting.</param>
    public static async Task<PostgresDatabase> StartAsync(string? connectionString, bool fsync, CancellationToken cancellationToken)
    {
        PostgresProcess? server = connectionString is null ? await PostgresProcess.StartAsync(fsync, cancellationToken).ConfigureAwait(false) : null;
        NpgsqlDataSource? dataSource = null;
        try
        {
            string sinkConnectionString = connectionString ?? server!.ConnectionString;
            dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(sinkConnectionString) { ApplicationName = "actornet-benchmark" });
            string settings = await DescribeServerAsync(dataSource, cancellationToken).ConfigureAwait(false);
            string where = server is null ? "the server of --connection-string" : $"a throwaway server on 127.0.0.1:{server.Port}";
            return new PostgresDatabase(dataSource, server, sinkConnectionString, $"{settings}; {where}");
        }
        catch (Exception e)
        {
            if (dataSource is not null)
            {
                await dataSource.DisposeAsync().ConfigureAwait(false);
            }

            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            if (e is NpgsqlException or ArgumentException)
            {
                // Not the connection string itself: it may hold a password.
                throw new BenchmarkFailedException($"cannot use PostgreSQL ({(server is null ? "the server of --connection-string" : "the throwaway server")}): {e.Message}");
            }

            throw;
        }
    }

    public IStoreDestination CreateDestination(string label) =>
        // Letters, digits and '_' only, well under the sink's limit of 49 characters.
        new PostgresTable(_dataSource, ConnectionString, $"actornet_bench_{label.Replace('-', '_')}_{Guid.NewGuid().ToString("N")[..8]}");

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The version and the settings that decide what a commit costs.</summary>
    private static async Task<string> DescribeServerAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), " +
            "current_setting('wal_level'), current_setting('shared_buffers'), current_setting('max_wal_size')");
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return $"PostgreSQL {reader.GetString(0)}: fsync = {reader.GetString(1)}, synchronous_commit = {reader.GetString(2)}, " +
               $"wal_level = {reader.GetString(3)}, shared_buffers = {reader.GetString(4)}, max_wal_size = {reader.GetString(5)}";
    }

    /// <summary>
    /// Throws a <see cref="UsageException"/> unless <paramref name="connectionString"/> parses and names only hosts
    /// on this machine: the benchmarks only talk to this machine (see Loopback), and a remote server would measure
    /// its network too.
    /// </summary>
    public static void CheckConnectionString(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"option --connection-string: {e.Message}");
        }

        foreach (string host in (builder.Host ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A path is a Unix-domain socket folder: on this machine by definition.
            bool local = host.StartsWith('/') || host == "localhost" || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));
            if (!local)
            {
                throw new UsageException($"option --connection-string: Host '{host}' is not on this machine; these benchmarks only target 127.0.0.1, localhost or a Unix socket");
            }
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new UsageException("option --connection-string: no Host; e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres\"");
        }
    }

    private sealed class PostgresTable(NpgsqlDataSource dataSource, string connectionString, string table) : IStoreDestination
    {
        public string Name => table;

        public string SinkKeys => $"type = postgres, connection-string = {HoconString.Quote(connectionString)}, table = {table}";

        public async Task<StoredRows> CountAsync(CancellationToken cancellationToken)
        {
            // The sink creates its table on its first write: no table means nothing was written.
            await using NpgsqlCommand command = dataSource.CreateCommand(
                $"SELECT CASE WHEN to_regclass('\"{table}\"') IS NULL THEN NULL ELSE 1 END");
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DBNull or null)
            {
                return new StoredRows(0, 0);
            }

            await using NpgsqlCommand count = dataSource.CreateCommand($"SELECT count(*), count(DISTINCT payload) FROM \"{table}\"");
            await using NpgsqlDataReader reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new StoredRows(reader.GetInt64(0), reader.GetInt64(1));
        }

        public async ValueTask DisposeAsync()
        {
            await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS \"{table}\"");
            await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
