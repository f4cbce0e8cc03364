using Xunit;

namespace ActorNet.IntegrationTests.Support;

/// <summary>A fact that runs Prometheus's <c>promtool</c>; skipped, saying how to get it, where it is not on PATH.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Path is null) Skip = "needs promtool on PATH (Debian: apt-get install prometheus; .ci/run installs it)";
    }

    /// <summary>The promtool found on PATH; null when there is none.</summary>
    public static string? Path { get; } = Find();

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "promtool"))
            .FirstOrDefault(File.Exists);
}
