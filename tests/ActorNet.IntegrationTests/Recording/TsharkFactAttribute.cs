using Xunit;

namespace ActorNet.IntegrationTests.Recording;

/// <summary>A test that opens a pcapng file with Debian's tshark: skipped, saying why, where it is not installed.</summary>
public sealed class TsharkFactAttribute : FactAttribute
{
    public static string? Path { get; } = new[] { "/usr/bin/tshark", "/usr/local/bin/tshark" }.FirstOrDefault(File.Exists);

    public TsharkFactAttribute()
    {
        if (Path is null) Skip = "tshark is not installed (apt-get install tshark; .ci/run installs it)";
    }
}
