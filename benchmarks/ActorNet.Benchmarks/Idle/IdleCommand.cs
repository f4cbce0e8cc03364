using System.Globalization;
using System.Text;
using ActorNet.Benchmarks.CommandLine;
using ActorNet.Benchmarks.Common;
using ActorNet.Benchmarks.EndToEnd;

namespace ActorNet.Benchmarks.Idle;

/// <summary><c>idle</c>: memory per idle peer, for the raw ceiling and for ActorNet.</summary>
public static class IdleCommand
{
    public const string Usage = """
          idle [--connections 10000] [--servers both|raw|actornet|tls] [--timeout 120] [--settle 2]
              Opens C connections that send nothing and prints the server process's managed-heap and
              working-set growth per peer. The peers live in a child process (loadgen --idle). --servers tls:
              plaintext ActorNet, then ActorNet with TLS (the peers complete their handshakes, then send nothing),
              whose growth per peer includes OpenSSL's session state, native memory outside the managed heap.
        """;

    public static async Task<int> RunAsync(OptionReader options, CancellationToken cancellationToken)
    {
        int peers = options.Int("connections", 10_000, 1, 20_000);
        ServerKind[] servers = options.Choice("servers", ServerKinds.ByName["both"], ServerKinds.ByName);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 120, 1, 3600));
        var settle = TimeSpan.FromSeconds(options.Int("settle", 2, 0, 60));
        options.ThrowIfUnread();

        // This process holds the server ends; the child, which inherits the same limit, holds the client ends.
        FileDescriptorLimit.EnsureRoomFor(peers, $"idle with {peers} connections (each of this process and its loadgen child holds {peers} sockets)");

        Console.WriteLine(RunEnvironment.Describe());
        Console.WriteLine(
            "method: the idle peers run in a child process (loadgen --idle), so the figures below are the server process's own growth, " +
            "with no client socket in them. Measured after a full, compacting GC, before and after all peers are accepted. " +
            "Kernel socket buffers are in neither process's working set.");
        Console.WriteLine();

        var results = new List<IdleResult>();
        foreach (ServerKind kind in servers)
        {
            Console.Write($"{kind.ToString().ToLowerInvariant()}: {peers} idle peers ... ");
            IdleResult result = await IdleMeasurement.RunAsync(kind, peers, timeout, settle, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.ManagedBytesPerPeer:N0} managed bytes per peer"));
            results.Add(result);
        }

        Console.WriteLine();
        Console.Write(Format(results));
        return 0;
    }

    private static string Format(IReadOnlyList<IdleResult> results)
    {
        string[] headers = ["server", "peers", "managed before MiB", "managed after MiB", "managed B/peer", "WS before MiB", "WS after MiB", "WS B/peer"];
        var rows = new List<string[]> { headers };
        rows.AddRange(results.Select(r => new[]
        {
            r.Server,
            r.Peers.ToString("N0", CultureInfo.InvariantCulture),
            ProcessMemory.Mib(r.ManagedBefore),
            ProcessMemory.Mib(r.ManagedAfter),
            r.ManagedBytesPerPeer.ToString("N0", CultureInfo.InvariantCulture),
            ProcessMemory.Mib(r.WorkingSetBefore),
            ProcessMemory.Mib(r.WorkingSetAfter),
            r.WorkingSetBytesPerPeer.ToString("N0", CultureInfo.InvariantCulture),
        }));
        int[] widths = Enumerable.Range(0, headers.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                text.Append(c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
                text.Append(c < row.Length - 1 ? "  " : "\n");
            }
        }

        return text.ToString();
    }
}
