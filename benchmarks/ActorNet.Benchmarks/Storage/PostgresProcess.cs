using System.Collections.Concurrent;
using System.Diagnostics;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Storage;

/// <summary>
/// A throwaway PostgreSQL server for <c>store --target postgres</c> without <c>--connection-string</c>: a fresh
/// cluster (initdb, trust authentication) in a temporary folder, listening on 127.0.0.1 at a free port and on a
/// Unix socket in that folder, stopped and deleted on dispose. Otherwise the server's defaults, except
/// <c>fsync</c>, which the command chooses (on, as a real server runs, unless --fsync off).
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(60);

    private readonly PostgresPrograms _programs;
    private readonly string _directory;

    private PostgresProcess(PostgresPrograms programs, string directory, int port)
    {
        _programs = programs;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;SSL Mode=Disable;Timeout=5";

    private string DataDirectory => Path.Combine(_directory, "data");

    private string LogFile => Path.Combine(_directory, "server.log");

    /// <summary>Creates the cluster and starts the server; returns once it accepts connections.</summary>
    public static async Task<PostgresProcess> StartAsync(bool fsync, CancellationToken cancellationToken)
    {
        PostgresPrograms programs = PostgresPrograms.Find();
        // Under root the server runs as another user, who cannot reach into a private TMPDIR such as /root/tmp.
        string parent = programs.RunAs is null ? Path.GetTempPath() : "/tmp";
        string directory = Path.Combine(parent, "actornet-store-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        // The port is free now and taken by the server a moment later; see FreePort for the small race.
        var server = new PostgresProcess(programs, directory, FreePort.Pick());
        try
        {
            if (programs.RunAs is { } user)
            {
                await ExecuteAsync("chown", [user, directory], parent, cancellationToken).ConfigureAwait(false);
            }

            await server.RunAsync(cancellationToken, "initdb", "-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync",
                "--encoding=UTF8", "--locale=C").ConfigureAwait(false);
            await server.RunAsync(cancellationToken, "pg_ctl", "-D", server.DataDirectory, "-l", server.LogFile, "-w", "-t", "30",
                "-o", $"-p {server.Port} -h 127.0.0.1 -k {directory} -c fsync={(fsync ? "on" : "off")}", "start").ConfigureAwait(false);
            return server;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new BenchmarkFailedException($"could not start a PostgreSQL server: {e.Message}");
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The server's own pid file rather than a flag: a start cut short (Ctrl+C, a timeout) may still have started it.
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                // Not cancellable: a Ctrl+C must still stop the server this process started.
                await RunAsync(CancellationToken.None, "pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop").ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"warning: the PostgreSQL server in {DataDirectory} did not stop: {e.Message}");
                return;
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"warning: could not delete {_directory}: {e.Message}");
        }
    }

    private Task RunAsync(CancellationToken cancellationToken, string program, params string[] arguments)
    {
        (string file, string[] fullArguments) = _programs.Command(program, arguments);
        return ExecuteAsync(file, fullArguments, _directory, cancellationToken);
    }

    /// <summary>Runs a program to its end; fails with its output (and the server's log) if it fails.</summary>
    private static async Task ExecuteAsync(string file, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file)
        {
            // The server's user may not be allowed into this process's working directory.
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var output = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = $"{file} {string.Join(' ', arguments)}";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CommandLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{command} did not finish within {CommandLimit.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }

        if (process.ExitCode == 0)
        {
            return;
        }

        string log = Path.Combine(workingDirectory, "server.log");
        string serverLog = File.Exists(log) ? $"{Environment.NewLine}--- server log ---{Environment.NewLine}{await File.ReadAllTextAsync(log, CancellationToken.None).ConfigureAwait(false)}" : "";
        throw new InvalidOperationException($"{command} exited with {process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, output)}{serverLog}");
    }
}
