using Xunit;

namespace ActorNet.IntegrationTests.Support;

/// <summary>A fact that runs an external program; skipped, naming the program and its Debian package, where it is not on PATH.</summary>
public sealed class ProgramFactAttribute : FactAttribute
{
    public ProgramFactAttribute(string program, string package)
    {
        if (Find(program) is null) Skip = $"needs {program} on PATH (Debian: apt-get install {package}; .ci/run installs it)";
    }

    /// <summary>The program found on PATH; null when there is none.</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
