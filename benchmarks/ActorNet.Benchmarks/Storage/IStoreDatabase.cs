namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// Where the runs of one <c>store</c> command write: SQLite files in a temporary folder, or tables in one
/// PostgreSQL server. Disposing it removes what it created (the folder; a server it started).
/// </summary>
public interface IStoreDatabase : IAsyncDisposable
{
    /// <summary>One line for the output: engine, version and the settings that decide commit cost.</summary>
    string Description { get; }

    /// <summary>A destination no earlier run wrote to (a new file, a new table), so that every run starts empty.</summary>
    /// <param name="label">Names the run in file names and messages ("run-2", "warmup-1").</param>
    IStoreDestination CreateDestination(string label);
}

/// <summary>One run's file or table: the sink keys that point ActorNet at it, and a way to count what it holds.</summary>
public interface IStoreDestination : IAsyncDisposable
{
    /// <summary>The file path or table name, for messages.</summary>
    string Name { get; }

    /// <summary>The keys of the sink's HOCON block besides its name, e.g. <c>type = sqlite, path = "..."</c>.</summary>
    string SinkKeys { get; }

    /// <summary>Counts the stored rows, on a connection of its own (not the sink's), after the sink has stopped.</summary>
    Task<StoredRows> CountAsync(CancellationToken cancellationToken);
}

/// <summary>What a destination holds after a run.</summary>
/// <param name="Rows">count(*).</param>
/// <param name="DistinctPayloads">
/// count(DISTINCT payload): every payload of the workload is unique (it starts with its connection and sequence
/// number), so this equals <paramref name="Rows"/> unless a frame was stored twice.
/// </param>
public readonly record struct StoredRows(long Rows, long DistinctPayloads);
