using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Xunit;
using Xunit.Sdk;

namespace ActorNet.IntegrationTests.Release;

/// <summary>
/// The archive <c>deploy/release.sh</c> builds, extracted into a temporary directory: built once per test run for
/// the specs of <see cref="ReleaseArchiveCollection"/>. A publish costs half a minute to two on a small machine, so
/// the archive of a clean work tree is kept in the temp directory under its version and commit, and the next run of
/// the same commit extracts it instead of building it again (a work tree with changes always builds).
/// </summary>
public sealed class ReleaseArchive : IAsyncLifetime
{
    private static readonly TimeSpan BuildBound = TimeSpan.FromMinutes(6);
    private static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), "actornet-release-cache");

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "actornet-release-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Where the repository is: the directory above the test assembly that holds ActorNet.sln.</summary>
    public static string Repository { get; } = FindRepository();

    /// <summary>The version in Directory.Build.props, read here as a file rather than through MSBuild as the script does.</summary>
    public static string Version { get; } = XDocument.Load(Path.Combine(Repository, "Directory.Build.props"))
        .Descendants("Version").Single().Value.Trim();

    public static string Name => $"actornet-{Version}-linux-x64";

    /// <summary>The archive file that was extracted.</summary>
    public string ArchivePath { get; private set; } = "";

    /// <summary>The extracted <c>actornet-VERSION-linux-x64/</c> directory.</summary>
    public string Root => Path.Combine(_scratch, "extracted", Name);

    public string Executable => Path.Combine(Root, "actornet");

    /// <summary>Why the release specs cannot run here, or null.</summary>
    public static string? SkipReason { get; } =
        !OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64
            ? "the release archive is linux-x64: it is built and run on x64 Linux only"
            : !File.Exists("/usr/bin/tar") && !File.Exists("/bin/tar")
                ? "needs tar (GNU tar) to build and extract the release archive"
                : null;

    public async Task InitializeAsync()
    {
        if (SkipReason is not null) return;
        Directory.CreateDirectory(_scratch);
        var cached = CachePath();
        if (cached is not null && File.Exists(cached))
        {
            ArchivePath = cached;
        }
        else
        {
            var output = Path.Combine(_scratch, "artifacts");
            ArchivePath = Path.Combine(output, Name + ".tar.gz");
            await RunAsync("bash", [Path.Combine(Repository, "deploy", "release.sh"), "--output", output], BuildBound);
            if (!File.Exists(ArchivePath)) throw new XunitException($"deploy/release.sh exited 0 but wrote no {ArchivePath}");
            if (cached is not null) Keep(ArchivePath, cached);
        }

        Directory.CreateDirectory(Path.Combine(_scratch, "extracted"));
        await RunAsync("tar", ["-xzf", ArchivePath, "-C", Path.Combine(_scratch, "extracted")], TimeSpan.FromMinutes(1));
    }

    public Task DisposeAsync()
    {
        try
        {
            if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A process a failed spec left running may still hold a file: the leftover must not hide that failure.
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Where the archive is kept: named after the version and the last commit that changed what goes into it, so that
    /// commits to tests or documentation reuse it. Null when those files have changes (tracked or untracked, as
    /// <c>git status</c> sees them) or git cannot tell: then the archive is built for this run only.
    /// </summary>
    private static string? CachePath()
    {
        string[] inputs = ["src", "deploy", "Directory.Build.props", "Directory.Packages.props", "global.json"];
        var commit = Git(["log", "-1", "--format=%H", "--", .. inputs]);
        var changes = Git(["status", "--porcelain", "--", .. inputs]);
        if (string.IsNullOrEmpty(commit) || changes is null || changes.Length > 0) return null;
        return Path.Combine(CacheRoot, $"{Version}-{commit}", Name + ".tar.gz");
    }

    /// <summary>
    /// Keeps the archive for the next run of the same commit, and drops archives unused for a day (not younger ones: a
    /// run of another work tree may be about to extract one).
    /// </summary>
    private static void Keep(string archive, string cached)
    {
        var directory = Path.GetDirectoryName(cached)!;
        if (Directory.Exists(CacheRoot))
        {
            foreach (var old in Directory.GetDirectories(CacheRoot)
                         .Where(d => d != directory && Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow - TimeSpan.FromDays(1)))
            {
                try { Directory.Delete(old, recursive: true); }
                catch (IOException) { /* in use; it goes next time */ }
            }
        }
        Directory.CreateDirectory(directory);
        var partial = cached + "." + Guid.NewGuid().ToString("N")[..8];
        File.Copy(archive, partial);
        // A rename is atomic: a parallel run sees the whole archive or none.
        File.Move(partial, cached, overwrite: true);
    }

    private static string? Git(params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git") { WorkingDirectory = Repository, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments) info.ArgumentList.Add(argument);
            using var git = Process.Start(info)!;
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }

    /// <summary>
    /// Runs a build step with its output in a log file rather than in a pipe: MSBuild and compiler server processes
    /// that outlive the build would hold a pipe open, and waiting for its end would wait for them.
    /// </summary>
    private async Task RunAsync(string program, string[] arguments, TimeSpan within)
    {
        var log = Path.Combine(_scratch, $"{Path.GetFileNameWithoutExtension(program)}-{Guid.NewGuid().ToString("N")[..6]}.log");
        var info = new ProcessStartInfo("bash") { WorkingDirectory = Repository };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" >\"$log\" 2>&1");
        info.ArgumentList.Add("bash");
        info.ArgumentList.Add(log);
        info.ArgumentList.Add(program);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // The test host's MSBuild variables describe the build that is running the tests, not this one.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(name);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        using var process = Process.Start(info)!;
        try
        {
            await process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new XunitException($"{program} {string.Join(' ', arguments)} did not finish within {within.TotalMinutes} min{Environment.NewLine}{Tail(log)}");
        }
        if (process.ExitCode != 0)
            throw new XunitException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}{Environment.NewLine}{Tail(log)}");
    }

    private static string Tail(string log) =>
        File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(60)) : "(no output)";

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ActorNet.sln")) && File.Exists(Path.Combine(directory.FullName, "deploy", "release.sh")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} holds ActorNet.sln and deploy/release.sh");
    }
}
