using Xunit;

namespace ActorNet.IntegrationTests.Support;

/// <summary>A fact that reads Linux's /proc (a process's RSS or descriptors); skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "reads /proc/<pid>/status, which only Linux has";
    }
}
