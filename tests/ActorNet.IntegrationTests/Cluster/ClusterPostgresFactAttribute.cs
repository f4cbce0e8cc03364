using ActorNet.IntegrationTests.Postgres;
using Xunit;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// A <see cref="ClusterProcessesFactAttribute"/> spec that also needs a PostgreSQL server of its own: skipped, saying
/// why, where the server programs are missing.
/// </summary>
public sealed class ClusterPostgresFactAttribute : FactAttribute
{
    public ClusterPostgresFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "sends Linux signals to real processes";
        else if (PostgresInstallation.SkipReason is { } reason) Skip = reason;
    }
}
