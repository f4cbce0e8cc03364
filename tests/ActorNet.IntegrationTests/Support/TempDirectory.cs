namespace ActorNet.IntegrationTests.Support;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actornet-it-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the directory, with forward slashes so that it can be pasted into HOCON as is.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name).Replace('\\', '/');

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its test (killed after a failure) may still hold a file for a moment;
            // a leftover temp directory must not turn into a second failure that hides the first.
        }
    }
}
