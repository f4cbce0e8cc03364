using Xunit;

namespace ActorNet.IntegrationTests.Support;

/// <summary>A fact that needs util-linux <c>prlimit</c> to run actornet with a descriptor limit; skipped where it is missing.</summary>
public sealed class PrlimitFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/prlimit";

    public PrlimitFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "needs Linux: RLIMIT_NOFILE is set with util-linux prlimit";
        else if (!File.Exists(Path))
            Skip = $"needs util-linux prlimit at {Path} (apt-get install util-linux) to run actornet with a descriptor limit";
    }
}
