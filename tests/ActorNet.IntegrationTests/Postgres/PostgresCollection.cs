using Xunit;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// The specs that share one server (each in tables of its own). A cluster takes a second or two to create, so
/// they share it; the outage spec, which stops its server, has one of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
