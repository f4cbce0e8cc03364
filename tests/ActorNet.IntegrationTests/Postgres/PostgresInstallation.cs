using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// The PostgreSQL server programs on this machine (initdb, pg_ctl), found on PATH or where Debian and Red Hat
/// install them, and the user to run them as: initdb and postgres refuse to run as root, so under root they run
/// as the <c>postgres</c> user (or <c>nobody</c>) through <c>runuser</c>.
/// </summary>
public static class PostgresInstallation
{
    private static readonly Lazy<(string? Bin, string? RunAs, string? SkipReason)> Found = new(Find);

    /// <summary>The folder holding initdb and pg_ctl.</summary>
    public static string Bin => Found.Value.Bin ?? throw new InvalidOperationException(SkipReason);

    /// <summary>The user the server runs as when the tests run as root; null otherwise.</summary>
    public static string? RunAs => Found.Value.RunAs;

    /// <summary>Why the PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Found.Value.SkipReason;

    private static (string?, string?, string?) Find()
    {
        var bin = BinCandidates().FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (bin is null)
        {
            return (null, null, "PostgreSQL server programs (initdb, pg_ctl) not found on PATH nor in /usr/lib/postgresql/*/bin; " +
                                "install them to run these tests (Debian: apt-get install postgresql)");
        }
        if (OperatingSystem.IsWindows() || GetEuid() != 0) return (bin, null, null);

        if (FindOnPath("runuser") is null)
            return (null, null, "running as root, which initdb refuses, and runuser (util-linux) is not installed to run it as another user");
        var user = new[] { "postgres", "nobody" }.FirstOrDefault(UserExists);
        if (user is null)
            return (null, null, "running as root, which initdb refuses, and there is no other user (postgres, nobody) to run it as; create one (useradd postgres)");
        return (bin, user, null);
    }

    private static IEnumerable<string> BinCandidates()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            yield return dir;
        // Debian and Ubuntu keep the server programs off PATH, one folder per major version; take the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var version in Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(v => int.TryParse(Path.GetFileName(v), out var n) ? n : 0))
                yield return Path.Combine(version, "bin");
        }
        // Red Hat's PGDG packages: /usr/pgsql-16/bin.
        foreach (var dir in Directory.Exists("/usr") ? Directory.GetDirectories("/usr", "pgsql-*").OrderDescending() : Enumerable.Empty<string>())
            yield return Path.Combine(dir, "bin");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private static bool UserExists(string user)
    {
        using var id = Process.Start(new ProcessStartInfo("id", ["-u", user]) { RedirectStandardOutput = true, RedirectStandardError = true });
        if (id is null) return false;
        id.WaitForExit(5_000);
        return id.HasExited && id.ExitCode == 0;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
