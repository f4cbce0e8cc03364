namespace ActorNet.Configuration;

/// <summary>
/// <c>actornet.cluster</c>: several ActorNet processes as one Akka.NET cluster, each tcp-connect source owned by
/// exactly one of them. Off by default, and then nothing of Akka.Remote or Akka.Cluster is loaded.
/// </summary>
/// <param name="Enabled">Whether this process joins a cluster.</param>
/// <param name="Hostname">The address Akka.Remote binds and the other nodes reach this one at.</param>
/// <param name="Port">Akka.Remote's TCP port (0 picks a free one, which only a seed-less first node can use).</param>
/// <param name="SeedNodes">Addresses such as <c>akka.tcp://actornet@10.0.0.1:4053</c>, the same list on every node.</param>
/// <param name="Roles">This node's roles; a source with <c>role</c> set runs only on nodes that have it.</param>
/// <param name="StableAfter">How long membership must be still before the split brain resolver downs anyone.</param>
/// <param name="DownRemovalMargin">After a downing, how long before the removed node's feeds start elsewhere.</param>
/// <param name="HeartbeatInterval">How often the failure detector's heartbeats are sent.</param>
/// <param name="AcceptableHeartbeatPause">Silence the failure detector accepts before it calls a node unreachable.</param>
public sealed record ClusterSettings(
    bool Enabled,
    string Hostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    IReadOnlyList<string> Roles,
    TimeSpan StableAfter,
    TimeSpan DownRemovalMargin,
    TimeSpan HeartbeatInterval,
    TimeSpan AcceptableHeartbeatPause)
{
    /// <summary>The name of the actor system every node runs (part of each seed node's address).</summary>
    public const string SystemName = "actornet";

    /// <summary>No cluster: for settings built in code rather than read (reference.conf holds the defaults).</summary>
    public static ClusterSettings Off { get; } = new(false, "127.0.0.1", 4053, [], [],
        TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

    /// <summary>
    /// This node's <c>host:port</c> as the others reach it (the <c>node</c> label of its /metrics, and its OTLP
    /// resource's <c>service.instance.id</c>); null when cluster mode is off, or when port is 0 (then known only once
    /// Akka.Remote has bound, after the OTLP exporter has started).
    /// </summary>
    public string? Node => Enabled && Port > 0 ? $"{Hostname}:{Port}" : null;

    /// <summary>
    /// The longest a feed may stay unowned after its owner dies (SIGKILL, power loss) with these settings, before
    /// the reconnect itself: the failure detector's pause plus a heartbeat to notice it, then stable-after, then the
    /// removal margin. The hand-off, a singleton move and the first connect (which has no backoff) add about
    /// two seconds on a quiet LAN.
    /// </summary>
    public TimeSpan FailoverBound => AcceptableHeartbeatPause + HeartbeatInterval + StableAfter + DownRemovalMargin;

    internal static ClusterSettings Read(ConfigSection c)
    {
        var enabled = c.Bool("enabled");
        var hostname = c.String("hostname", "the address the other nodes reach this one at, such as 10.0.0.1");
        var port = c.Int("port", 0, 65535);
        var seeds = c.StringList("seed-nodes", "a list of quoted addresses such as [ \"akka.tcp://actornet@10.0.0.1:4053\" ]") ?? [];
        foreach (var seed in seeds.Where(s => !IsSeedAddress(s)))
            c.Error("seed-nodes", seed, $"an address such as \"akka.tcp://{SystemName}@10.0.0.1:4053\" (the system is always named {SystemName})");
        if (enabled && seeds.Count == 0)
            c.Error("seed-nodes", "[]", "at least one seed node when cluster.enabled = on (list the same nodes, this one included, on every node)");
        var roles = c.StringList("roles", "a list of role names such as [ \"feeds\" ]") ?? [];
        foreach (var role in roles.Where(r => !IsRoleName(r)))
            c.Error("roles", role, "a role name of letters, digits, '-' and '_'");
        var stableAfter = c.RequiredDuration("stable-after", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var margin = c.RequiredDuration("down-removal-margin", TimeSpan.Zero, TimeSpan.FromMinutes(10));
        var interval = c.RequiredDuration("heartbeat-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        var pause = c.RequiredDuration("acceptable-heartbeat-pause", TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10));
        if (c.Valid("heartbeat-interval", "acceptable-heartbeat-pause") && pause < interval * 2)
            c.Error("acceptable-heartbeat-pause", HoconUnits.Duration(pause), $"at least two heartbeat-interval ({HoconUnits.Duration(interval * 2)})");
        return new ClusterSettings(enabled, hostname, port, seeds, roles, stableAfter, margin, interval, pause);
    }

    internal static bool IsRoleName(string role) => role.Length > 0 && role.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    private static bool IsSeedAddress(string seed) =>
        Uri.TryCreate(seed, UriKind.Absolute, out var uri) && uri.Scheme == "akka.tcp" && uri.UserInfo == SystemName
        && uri.Host.Length > 0 && uri.Port > 0 && uri.AbsolutePath is "" or "/";
}
