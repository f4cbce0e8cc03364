using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorNet.IntegrationTests.Support;
using Npgsql;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// A real PostgreSQL server of its own: a fresh cluster (initdb) in a temporary folder, trust authentication,
/// listening on 127.0.0.1 at a free port below the ephemeral range (and on a Unix socket in that folder), stopped
/// and deleted on dispose.
/// <c>fsync</c> is off: the tests stop the server but never the machine, and the WAL the server writes reaches
/// the kernel at every commit all the same. Used as an xunit fixture; where
/// <see cref="PostgresInstallation.SkipReason"/> says the tests cannot run it starts nothing (they are skipped).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(60);

    private readonly string _directory = "";
    private bool _running;

    public PostgresServer()
    {
        if (PostgresInstallation.SkipReason is not null) return;
        Port = PortOutsideEphemeralRange();
        _directory = CreateDirectory();
        try
        {
            Run("initdb", "-D", DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C");
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;SSL Mode=Disable;Timeout=5";

    private string DataDirectory => Path.Combine(_directory, "data");
    private string LogFile => Path.Combine(_directory, "server.log");

    /// <summary>A table name no other test uses.</summary>
    public static string UniqueTable(string prefix) => $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Starts the server (again) on the same port; returns once it accepts connections.</summary>
    public void Start()
    {
        Run("pg_ctl", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "30",
            "-o", $"-p {Port} -h 127.0.0.1 -k {_directory} -c fsync=off", "start");
        _running = true;
    }

    /// <summary>Stops the server the way an operator restarting it would: sessions are ended, open transactions roll back.</summary>
    public void Stop()
    {
        _running = false;
        Run("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop");
    }

    /// <summary>Every row of <paramref name="sql"/>'s result, on a connection of its own (not pooled).</summary>
    public List<object?[]> Query(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The rows in <paramref name="table"/>; 0 while the sink has not created it yet.</summary>
    public long Count(string table)
    {
        try
        {
            return (long)Query($"SELECT count(*) FROM \"{table}\"")[0][0]!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        if (_running)
        {
            try
            {
                Stop();
            }
            catch (Exception)
            {
                // A server that will not stop must not hide the test's own failure; the folder goes regardless.
            }
        }
        if (_directory.Length == 0) return;
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // As in TempDirectory: a leftover folder is not a test failure.
        }
    }

    /// <summary>
    /// A free port below the kernel's ephemeral range. The server is restarted on its port; while it is down, a
    /// port from the ephemeral range could be taken as the local end of any connection another test opens.
    /// </summary>
    private static int PortOutsideEphemeralRange()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralStart = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split('\t', ' ')[0], out var start) ? start : 32768;
        if (ephemeralStart <= 11_000) return Loopback.FreePort();
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(10_000, ephemeralStart);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // Taken: try another.
            }
        }
    }

    private static string CreateDirectory()
    {
        // Under root the server runs as another user, who cannot reach into a private TMPDIR such as /root/tmp.
        var parent = PostgresInstallation.RunAs is null ? Path.GetTempPath() : "/tmp";
        var directory = Path.Combine(parent, "actornet-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        if (PostgresInstallation.RunAs is { } user) Execute("chown", [user, directory], parent);
        return directory;
    }

    private void Run(string program, params string[] arguments)
    {
        var path = Path.Combine(PostgresInstallation.Bin, program);
        if (PostgresInstallation.RunAs is { } user) Execute("runuser", ["-u", user, "--", path, .. arguments], _directory);
        else Execute(path, arguments, _directory);
    }

    /// <summary>Runs a program to its end; fails with its output (and the server's log) if it fails.</summary>
    private static void Execute(string file, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(file)
        {
            // The server's user may not be allowed into the test's working directory.
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var output = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var command = $"{file} {string.Join(' ', arguments)}";
        if (!process.WaitForExit(CommandLimit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {CommandLimit.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
        process.WaitForExit();
        if (process.ExitCode == 0) return;
        var log = Path.Combine(workingDirectory, "server.log");
        var serverLog = File.Exists(log) ? $"{Environment.NewLine}--- server log ---{Environment.NewLine}{File.ReadAllText(log)}" : "";
        throw new InvalidOperationException($"{command} exited with {process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, output)}{serverLog}");
    }
}
