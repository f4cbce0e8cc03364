using Xunit;

namespace ActorNet.IntegrationTests.Release;

/// <summary>A fact that runs <c>systemd-analyze</c> (Debian's systemd package); skipped, saying so, where it is missing.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public static string? Path { get; } = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);

    public SystemdAnalyzeFactAttribute()
    {
        if (Path is null) Skip = "systemd-analyze not found (Debian package systemd): the unit's security rating cannot be checked";
    }
}
