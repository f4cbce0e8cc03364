using System.Globalization;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.LoadGen;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// <c>store</c>: frames/s of ActorNet into SQLite or PostgreSQL, from the first connect until the last frame is
/// committed, with every run checked against the database's own count.
/// </summary>
public static class StoreCommand
{
    public const string Usage = """
          store --target sqlite|postgres [--connections 10] [--frames 100000] [--size 100] [--runs 3] [--warmup 1]
                [--connection-string "Host=127.0.0.1;..."] [--fsync on|off] [--seed 1] [--timeout 300]
              C peers send N newline-terminated text lines of S bytes each, all at once, into one ActorNet sink;
              timed from the first connect until the sink has committed the last frame. Each run writes a new
              SQLite file in a temporary folder, or a new table in PostgreSQL: the server of --connection-string
              (on this machine), else a throwaway one started here (initdb, --fsync, default on) and stopped at
              the end. A run fails unless the database holds exactly C x N rows, each payload once.
        """;

    private const int WarmupFrames = 2000;

    private static readonly Dictionary<string, bool> OnOff = new() { ["on"] = true, ["off"] = false };

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        if (options.String("target") is null)
        {
            throw new UsageException("option --target is required: sqlite or postgres");
        }

        StoreTarget target = options.Choice("target", StoreTarget.Sqlite, StoreTargetNames.ByName);

        var spec = new WorkloadSpec(
            options.Int("connections", 10, 1, 10_000),
            options.Int("frames", 100_000, 1, 100_000_000),
            options.Int("size", 100, 1, 1024 * 1024),
            WireFraming.Lines,
            options.Int("seed", 1, int.MinValue, int.MaxValue));
        int runs = options.Int("runs", 3, 1, 20);
        int warmups = options.Int("warmup", 1, 0, 10);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 300, 1, 3600));
        string? connectionString = options.String("connection-string");
        bool? fsync = options.String("fsync") is null ? null : options.Choice("fsync", true, OnOff);
        options.ThrowIfUnread();
        spec.Validate();
        if (target != StoreTarget.Postgres && (connectionString is not null || fsync is not null))
        {
            throw new UsageException("options --connection-string and --fsync are for --target postgres");
        }

        if (connectionString is not null && fsync is not null)
        {
            throw new UsageException("option --fsync sets up the throwaway server; a server of --connection-string keeps its own setting");
        }

        if (connectionString is not null)
        {
            PostgresDatabase.CheckConnectionString(connectionString);
        }

        FileDescriptorLimit.EnsureRoomFor(2L * spec.Connections, $"store with {spec.Connections} connections (client and server sockets in one process)");
        Console.WriteLine(RunEnvironment.Describe());
        await using IStoreDatabase database = target switch
        {
            StoreTarget.Sqlite => SqliteDatabase.Create(),
            _ => await PostgresDatabase.StartAsync(connectionString, fsync ?? true, cancellationToken).ConfigureAwait(false),
        };
        Console.WriteLine($"database: {database.Description}");
        Workload workload = Workload.Build(spec);
        Console.WriteLine(Invariant(
            $"workload: {spec.Connections} connections x {spec.Frames:N0} lines x {spec.Size} bytes (+ '\\n'), seed {spec.Seed}: {spec.TotalFrames:N0} frames, ") +
            Invariant($"{ProcessMemory.Mib(spec.TotalBytes)} MiB, pre-built; the load generator shares this process and its cores with ActorNet"));

        string? configuration = null;
        for (int i = 1; i <= warmups; i++)
        {
            // A small workload of the same shape, into a destination of its own: JIT and first-use costs, untimed.
            Workload warmupWorkload = Workload.Build(spec with { Frames = Math.Min(spec.Frames, WarmupFrames) });
            Console.Write($"warm-up {i}/{warmups} ... ");
            StoreRunResult warmup = await StoreRun.RunAsync(i, $"warmup-{i}", database, warmupWorkload, timeout,
                settings => configuration ??= StoreServer.Describe(settings), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(warmup.Succeeded ? "done" : $"FAILED: {warmup.Failure}");
            if (!warmup.Succeeded)
            {
                return 1;
            }
        }

        var results = new List<StoreRunResult>();
        for (int run = 1; run <= runs; run++)
        {
            Console.Write($"run {run}/{runs} ... ");
            StoreRunResult result = await StoreRun.RunAsync(run, $"run-{run}", database, workload, timeout,
                settings => configuration ??= StoreServer.Describe(settings), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(result.Succeeded
                ? Invariant($"{result.FramesPerSecond:N0} frames/s, {result.Stored!.Value.Rows:N0} rows in {result.Destination}")
                : $"FAILED: {result.Failure}");
            results.Add(result);
        }

        Console.WriteLine(configuration);
        Console.WriteLine();
        Console.Write(StoreResultTable.Format(results));
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
