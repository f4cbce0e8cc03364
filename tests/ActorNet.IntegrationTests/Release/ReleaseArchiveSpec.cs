using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ActorNet.IntegrationTests.Executable;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Release;

/// <summary>
/// The archive of <c>deploy/release.sh</c>, as an operator gets it: extracted and run on a machine without .NET,
/// which here means with no <c>dotnet</c> on PATH, no DOTNET_* variables, and nothing of this machine's .NET
/// installation in the process.
/// </summary>
[Collection(ReleaseArchiveCollection.Name)]
public sealed class ReleaseArchiveSpec(ReleaseArchive release)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [ReleaseFact]
    public async Task The_published_executable_runs_without_dotnet_answers_health_ready_and_stores_into_sqlite()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("release");
        var port = Loopback.FreePort();
        var httpPort = Loopback.FreePort();
        var database = directory.File("actornet.db");
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, $$"""
            actornet {
              sources.{{source}} {
                port = {{port}}
                framing { type = delimiter, delimiter = "\n" }
                parser = text
                sinks = [ store ]
                quarantine = store
              }
              sinks.store { type = sqlite, path = "{{database}}", flush-interval = 50ms }
              http { enabled = on, port = {{httpPort}} }
            }
            """);

        using var process = ActorNetProcess.StartExecutable(release.Executable, directory.Path, WithoutDotnet(), "run", "--config", config);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(5) };
        await HealthReadyAsync(http, process);

        // The process is the archive's executable itself, and it mapped nothing from the .NET installation that runs
        // these tests: the runtime, ASP.NET Core and SQLite all came out of the archive.
        Assert.Equal(release.Executable, File.ResolveLinkTarget($"/proc/{process.Id}/exe", returnFinalTarget: false)?.FullName);
        var dotnetRoot = DotnetRoot();
        var mapped = File.ReadAllLines($"/proc/{process.Id}/maps").Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6).Select(fields => fields[5].Trim()).Distinct().ToList();
        Assert.DoesNotContain(mapped, file => file.StartsWith(dotnetRoot, StringComparison.Ordinal));
        Assert.Contains(Path.Combine(release.Root, "libe_sqlite3.so"), mapped);

        using (var peer = await Loopback.ConnectAsync(port))
        {
            await peer.SendAsync("from the release build\n"u8.ToArray(), SocketFlags.None);
            var rows = await Eventually.ValueAsync(() => StoredRows.Read(database, source), r => r.Count == 1, Bound, "one row stored");
            Assert.Equal("from the release build", rows[0].Payload);
        }

        await process.TerminateAsync();
        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
    }

    [ReleaseFact]
    public async Task Version_prints_the_version_of_Directory_Build_props_and_the_archive_is_named_after_it()
    {
        Assert.Equal($"actornet-{ReleaseArchive.Version}-linux-x64.tar.gz", Path.GetFileName(release.ArchivePath));
        using var directory = new TempDirectory();
        using var process = ActorNetProcess.StartExecutable(release.Executable, directory.Path, WithoutDotnet(), "--version");
        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        Assert.Equal(ReleaseArchive.Version, process.Stdout.Trim());
    }

    [ReleaseFact]
    public async Task The_archive_holds_the_unit_the_secrets_file_and_a_configuration_that_check_config_accepts()
    {
        var files = Directory.GetFiles(release.Root).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["README.txt", "actornet", "actornet.conf", "actornet.env", "actornet.service", "libe_sqlite3.so"], files);
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(release.Executable).HasFlag(UnixFileMode.UserExecute | UnixFileMode.OtherExecute),
            "actornet is executable by its owner and by others");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(ReleaseArchive.Repository, "deploy", "systemd", "actornet.service")),
            await File.ReadAllTextAsync(Path.Combine(release.Root, "actornet.service")));

        using var directory = new TempDirectory();
        using var process = ActorNetProcess.StartExecutable(release.Executable, directory.Path, WithoutDotnet(),
            "check-config", Path.Combine(release.Root, "actornet.conf"));
        Assert.True(await process.WaitForExitAsync(Bound) == 0, process.Output);
        Assert.Contains("# valid: 1 source(s)", process.Stdout);
    }

    /// <summary>
    /// The test host's environment without a way to .NET: PATH without any directory that holds a <c>dotnet</c>, and
    /// every DOTNET_*, COREHOST_* and MSBuild* variable removed (DOTNET_ROOT would point an app host at a runtime).
    /// </summary>
    private static Dictionary<string, string?> WithoutDotnet()
    {
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("COREHOST_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(name => name, string? (_) => null);
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(directory => !File.Exists(Path.Combine(directory, "dotnet")));
        environment["PATH"] = string.Join(':', path.DefaultIfEmpty("/nonexistent"));
        return environment;
    }

    /// <summary>The .NET installation running these tests: the directory above <c>shared/Microsoft.NETCore.App/VERSION/</c>.</summary>
    private static string DotnetRoot()
    {
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        return runtime.Parent!.Parent!.Parent!.FullName + Path.DirectorySeparatorChar;
    }

    /// <summary>Polls GET /health/ready, one request at a time, until it answers 200; fails if actornet exits first.</summary>
    private static async Task HealthReadyAsync(HttpClient http, ActorNetProcess process)
    {
        HttpStatusCode? last = null;
        Task<HttpResponseMessage>? request = null;
        await Eventually.TrueAsync(() =>
        {
            if (process.HasExited) return true;
            if (request is null) request = http.GetAsync("health/ready");
            if (!request.IsCompleted) return false;
            if (request.IsCompletedSuccessfully)
            {
                using var response = request.Result;
                last = response.StatusCode;
            }
            request = null;
            return last == HttpStatusCode.OK;
        }, Bound, () => $"GET /health/ready answers 200; last answer: {last?.ToString() ?? "none"}{Environment.NewLine}{process.Output}");
        Assert.False(process.HasExited, $"actornet exited before answering /health/ready{Environment.NewLine}{process.Output}");
    }
}
