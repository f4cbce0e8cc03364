using ActorNet.IntegrationTests.Postgres;
using Xunit;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// A spec with three real cluster nodes that it stops gracefully (SIGTERM) or freezes (SIGSTOP) through kill(1):
/// skipped outside Linux. Unlike <see cref="ClusterProcessesFactAttribute"/> it runs by default.
/// </summary>
public sealed class ClusterNodesFactAttribute : FactAttribute
{
    public ClusterNodesFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "starts three actornet processes and signals them with kill(1), which needs Linux";
    }
}

/// <summary>A <see cref="ClusterNodesFactAttribute"/> spec that also needs a PostgreSQL server of its own (skipped, saying why, without one).</summary>
public sealed class ClusterPostgresFactAttribute : FactAttribute
{
    public ClusterPostgresFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "starts three actornet processes and signals them with kill(1), which needs Linux";
        else if (PostgresInstallation.SkipReason is { } reason) Skip = reason;
    }
}
