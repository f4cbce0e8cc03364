namespace ActorNet.IntegrationTests.Support;

/// <summary>The checkout the tests were built from, for the files under deploy/ that tests check.</summary>
public static class RepositoryRoot
{
    /// <summary>The nearest directory above the test assembly that holds ActorNet.sln.</summary>
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "ActorNet.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"no ActorNet.sln above {AppContext.BaseDirectory}: the tests must run from a checkout");
    }
}
