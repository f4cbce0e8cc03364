using System.Diagnostics;
using System.Runtime.InteropServices;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// The PostgreSQL server programs on this machine (initdb, pg_ctl), found on PATH or where Debian and Red Hat
/// install them, and the user to run them as: initdb and postgres refuse to run as root, so under root they run
/// as <c>postgres</c> (or <c>nobody</c>) through <c>runuser</c>. The same search as the integration tests'
/// PostgresInstallation, which this project does not reference.
/// </summary>
public sealed record PostgresPrograms(string Bin, string? RunAs)
{
    /// <summary>The programs, or a <see cref="BenchmarkFailedException"/> that says what to install.</summary>
    public static PostgresPrograms Find()
    {
        string? bin = BinCandidates().FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (bin is null)
        {
            throw new BenchmarkFailedException(
                "PostgreSQL server programs (initdb, pg_ctl) are not on PATH nor in /usr/lib/postgresql/*/bin; install them " +
                "(Debian: apt-get install postgresql) or give --connection-string for a running server");
        }

        if (OperatingSystem.IsWindows() || GetEuid() != 0)
        {
            return new PostgresPrograms(bin, null);
        }

        if (FindOnPath("runuser") is null)
        {
            throw new BenchmarkFailedException("running as root, which initdb refuses, and runuser (util-linux) is not installed to run it as another user");
        }

        string user = new[] { "postgres", "nobody" }.FirstOrDefault(UserExists)
            ?? throw new BenchmarkFailedException("running as root, which initdb refuses, and there is no other user (postgres, nobody) to run it as; create one (useradd postgres)");
        return new PostgresPrograms(bin, user);
    }

    /// <summary>The file and arguments that run <paramref name="program"/> from <see cref="Bin"/> as <see cref="RunAs"/>.</summary>
    public (string File, string[] Arguments) Command(string program, params string[] arguments)
    {
        string path = Path.Combine(Bin, program);
        return RunAs is { } user ? ("runuser", ["-u", user, "--", path, .. arguments]) : (path, arguments);
    }

    private static IEnumerable<string> BinCandidates()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return dir;
        }

        // Debian and Ubuntu keep the server programs off PATH, one folder per major version; take the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (string version in Directory.GetDirectories("/usr/lib/postgresql")
                         .OrderByDescending(v => int.TryParse(Path.GetFileName(v), out int n) ? n : 0))
            {
                yield return Path.Combine(version, "bin");
            }
        }

        // Red Hat's PGDG packages: /usr/pgsql-16/bin.
        foreach (string dir in Directory.Exists("/usr") ? Directory.GetDirectories("/usr", "pgsql-*").OrderDescending() : Enumerable.Empty<string>())
        {
            yield return Path.Combine(dir, "bin");
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, program))
        .FirstOrDefault(File.Exists);

    private static bool UserExists(string user)
    {
        using Process? id = Process.Start(new ProcessStartInfo("id", ["-u", user]) { RedirectStandardOutput = true, RedirectStandardError = true });
        if (id is null)
        {
            return false;
        }

        id.WaitForExit(5_000);
        return id.HasExited && id.ExitCode == 0;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
