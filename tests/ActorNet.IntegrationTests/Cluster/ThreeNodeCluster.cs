using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ActorNet.IntegrationTests.Executable;
using ActorNet.IntegrationTests.Support;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// Three real <c>actornet</c> processes on 127.0.0.1 forming one cluster (all three are seed nodes), each with its own
/// SQLite database, its own HTTP port and a tcp-listen source, all defining the same tcp-connect feed to
/// <see cref="NumberedFeedServer"/>. Node i greets the feed with <c>HELLO n{i}</c> (its on-connect), so the feed server
/// knows which node holds a session. A node can be killed, stopped, resumed and started again on the same ports.
/// </summary>
public sealed class ThreeNodeCluster : IDisposable
{
    public const string Feed = "vendor";
    public const string Devices = "devices";
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory = new();
    // Nodes are killed and started again on the same ports: ports no outgoing connection can take meanwhile.
    private readonly int[] _remotePorts = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
    private readonly int[] _httpPorts = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
    private readonly int[] _devicePorts = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
    private readonly ActorNetProcess?[] _nodes = new ActorNetProcess?[3];
    private readonly List<string> _finishedOutput = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <param name="nodeConfig">HOCON appended to node i's configuration (after the block above, so it overrides or adds keys), or null.</param>
    public ThreeNodeCluster(int feedPort, Func<int, string>? nodeConfig = null)
    {
        var seeds = string.Join(", ", _remotePorts.Select(p => $"\"akka.tcp://actornet@127.0.0.1:{p}\""));
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllText(ConfigOf(i), $$"""
                actornet {
                  shutdown-timeout = 20s
                  sources {
                    {{Feed}} {
                      type = tcp-connect, host = 127.0.0.1, port = {{feedPort}}
                      on-connect = "HELLO n{{i}}\n"
                      reconnect { min-backoff = 200ms, max-backoff = 1s }
                      sinks = [ store ]
                    }
                    {{Devices}} { port = {{_devicePorts[i]}}, sinks = [ store ] }
                  }
                  sinks.store { type = sqlite, path = "{{Database(i)}}" }
                  http { enabled = on, port = {{_httpPorts[i]}} }
                  cluster { enabled = on, port = {{_remotePorts[i]}}, seed-nodes = [ {{seeds}} ] }
                }
                {{nodeConfig?.Invoke(i)}}
                """);
        }
    }

    public string Database(int node) => _directory.File($"n{node}.db");

    public string Address(int node) => $"akka.tcp://actornet@127.0.0.1:{_remotePorts[node]}";

    public int DevicePort(int node) => _devicePorts[node];

    public int HttpPort(int node) => _httpPorts[node];

    /// <summary>Node <paramref name="node"/>'s <c>host:port</c> (Akka.Remote's), the value of its <c>node</c> label.</summary>
    public string NodeName(int node) => $"127.0.0.1:{_remotePorts[node]}";

    public ActorNetProcess Process(int node) => _nodes[node] ?? throw new InvalidOperationException($"node n{node} is not running");

    public bool IsRunning(int node) => _nodes[node] is { HasExited: false };

    private string ConfigOf(int node) => _directory.File($"n{node}.conf");

    public void Start(int node)
    {
        if (_nodes[node] is { } old) Retire(node, old);
        _nodes[node] = Environment.GetEnvironmentVariable("ACTORNET_CLUSTER_DEBUG") == "1"
            ? ActorNetProcess.Start(_directory.Path, "run", "--config", ConfigOf(node), "--log-level", "debug")
            : ActorNetProcess.Start(_directory.Path, "run", "--config", ConfigOf(node));
    }

    public async Task StartAllAsync()
    {
        for (var i = 0; i < 3; i++) Start(i);
        await WaitForSettledAsync();
    }

    /// <summary>
    /// Every node sees three members up and, asking all three over remoting, one owner of the feed: membership has
    /// converged and every node answers every other.
    /// </summary>
    public async Task WaitForSettledAsync()
    {
        for (var i = 0; i < 3; i++) await WaitForMembersUpAsync(i, 3);
        for (var i = 0; i < 3; i++)
        {
            var node = i;
            await Eventually.TrueAsync(() => ClusterOf(node) is { Feeds.Count: 1 }, Bound,
                () => $"the feed's owner as n{node} sees it: {Describe(ClusterOf(node))}{Environment.NewLine}{Output}");
        }
    }

    /// <summary>SIGKILL: no drain, the kernel closes its sockets.</summary>
    public async Task KillAsync(int node)
    {
        var pid = Process(node).Id;
        await Process(node).KillAsync(Bound);
        Retire(node, Process(node));
        // The kernel has closed its sockets once the process is gone: a failover test must not start earlier.
        if (Directory.Exists($"/proc/{pid}")) throw new Xunit.Sdk.XunitException($"n{node} (pid {pid}) still exists after SIGKILL: {File.ReadAllText($"/proc/{pid}/status")}");
    }

    public Task SignalAsync(int node, string signal) => Signal(Process(node).Id, signal);

    /// <summary>Waits until node <paramref name="asked"/>'s /api/cluster lists <paramref name="count"/> members, all up.</summary>
    public Task WaitForMembersUpAsync(int asked, int count) =>
        Eventually.TrueAsync(() => ClusterOf(asked) is { } c && c.Members.Count == count && c.Members.All(m => m.Status == "up"), Bound,
            () => $"{count} members up as n{asked} sees them: {Describe(ClusterOf(asked))}{Environment.NewLine}{Output}");

    /// <summary>GET /api/cluster of <paramref name="node"/>, or null when it does not answer.</summary>
    public ClusterBody? ClusterOf(int node) => Get<ClusterBody>(node, "api/cluster");

    public ConnectionsBody? ConnectionsOf(int node) => Get<ConnectionsBody>(node, "api/connections");

    public async Task<HttpResponseMessage> DeleteConnectionAsync(int node, long id) =>
        await _http.DeleteAsync($"http://127.0.0.1:{_httpPorts[node]}/api/connections/{id}");

    public async Task<string> MetricsOf(int node) => await _http.GetStringAsync($"http://127.0.0.1:{_httpPorts[node]}/metrics");

    private T? Get<T>(int node, string path) where T : class
    {
        if (!IsRunning(node)) return null;
        try
        {
            return _http.GetFromJsonAsync<T>($"http://127.0.0.1:{_httpPorts[node]}/{path}", Json).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Frames stored by every node's sink (the union of the three databases), payload by payload.</summary>
    public IReadOnlyList<string> StoredFeedFrames() =>
        Enumerable.Range(0, 3).SelectMany(i => StoredRows.Read(Database(i), Feed)).Select(r => r.Payload ?? "").ToArray();

    /// <summary>How every running node sees the cluster now (for failure messages).</summary>
    public string Views => string.Join(Environment.NewLine,
        Enumerable.Range(0, 3).Where(i => _nodes[i] is not null).Select(i => $"n{i} sees: {Describe(ClusterOf(i))}"));

    public string Output => Views + Environment.NewLine + string.Join(Environment.NewLine, _finishedOutput.Concat(
        _nodes.Select((n, i) => n is null ? "" : $"=== n{i} (running) ==={Environment.NewLine}{n.Output}")));

    public static string Describe(ClusterBody? cluster) => cluster is null
        ? "no answer"
        : string.Join(", ", cluster.Members.Select(m => $"{m.Address} {m.Status}")) + "; feeds " +
          string.Join(", ", cluster.Feeds.Select(f => $"{f.Source}@{f.Node}"));

    private void Retire(int node, ActorNetProcess process)
    {
        _finishedOutput.Add($"=== n{node} (pid {process.Id}, ended) ==={Environment.NewLine}{process.Output}");
        process.Dispose();
        _nodes[node] = null;
    }

    private static async Task Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString()]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0) throw new XunitException($"kill -{signal} {pid} exited with {kill.ExitCode}");
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Dispose()
    {
        foreach (var node in _nodes.OfType<ActorNetProcess>())
        {
            // A node left stopped (SIGSTOP) by a failed test would never die of SIGKILL's queueing otherwise.
            _ = Signal(node.Id, "CONT");
            node.Dispose();
        }
        _http.Dispose();
        _directory.Dispose();
    }
}

public sealed record ClusterBody(IReadOnlyList<MemberBody> Members, IReadOnlyList<FeedBody> Feeds);

public sealed record MemberBody(string Address, string Status, IReadOnlyList<string> Roles);

public sealed record FeedBody(string Source, string Node);

public sealed record ConnectionsBody(IReadOnlyList<ConnectionBody> Connections);

public sealed record ConnectionBody(long Id, string Source, string Peer, string? Node);
