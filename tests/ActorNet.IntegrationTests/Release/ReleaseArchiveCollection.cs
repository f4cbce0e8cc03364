using Xunit;

namespace ActorNet.IntegrationTests.Release;

/// <summary>The specs that share one <see cref="ReleaseArchive"/> (and so run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class ReleaseArchiveCollection : ICollectionFixture<ReleaseArchive>
{
    public const string Name = "release archive";
}
