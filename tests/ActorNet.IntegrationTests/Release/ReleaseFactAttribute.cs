using Xunit;

namespace ActorNet.IntegrationTests.Release;

/// <summary>A fact about the release archive; skipped, saying why, where it cannot be built or run.</summary>
public sealed class ReleaseFactAttribute : FactAttribute
{
    public ReleaseFactAttribute()
    {
        if (ReleaseArchive.SkipReason is { } reason) Skip = reason;
    }
}
