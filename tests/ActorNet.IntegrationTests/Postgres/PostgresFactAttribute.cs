using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// A test that needs a real PostgreSQL server: skipped, with the reason, where the server programs are missing
/// (<see cref="PostgresInstallation.SkipReason"/>), rather than failing on a machine that lacks them.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresInstallation.SkipReason is { } reason) Skip = reason;
    }
}
