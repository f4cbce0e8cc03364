using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Rsyslog;

/// <summary>
/// A private rsyslogd: <c>rsyslogd -n -f &lt;conf&gt; -i &lt;pidfile&gt;</c> in a temporary folder of its own, with
/// the configuration of <see cref="RsyslogConfig"/>. It runs in the foreground as a child of this process, is
/// stopped by its own id (SIGTERM, then SIGKILL after 10 s) and its folder is deleted. The machine's rsyslog, its
/// configuration and /var/log are never touched.
/// </summary>
public sealed class RsyslogProcess : IFileSinkServer
{
    private const int SigTerm = 15;

    // /proc/<pid>/stat counts CPU time in USER_HZ ticks, which Linux fixes at 100 for user space.
    private const double TicksPerSecond = 100;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private RsyslogProcess(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        Directory = directory;
        EndPoint = endPoint;
    }

    public string Name => "rsyslog";

    public string Directory { get; }

    public IPEndPoint EndPoint { get; }

    public string OutputPath => Path.Combine(Directory, RsyslogConfig.OutputFileName);

    /// <summary>rsyslogd, or a <see cref="BenchmarkFailedException"/> that says how to install it.</summary>
    public static string FindProgram()
    {
        string[] dirs = [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries), "/usr/sbin", "/sbin"];
        return dirs.Select(dir => Path.Combine(dir, "rsyslogd")).FirstOrDefault(File.Exists)
            ?? throw new BenchmarkFailedException(
                "rsyslogd is not installed (not on PATH, /usr/sbin or /sbin); install it, e.g. `apt-get install -y rsyslog` on Debian " +
                "(in a container without systemd its service does not start; check `ps` and stop any rsyslogd the install started)");
    }

    /// <summary>The version line of <c>rsyslogd -v</c>.</summary>
    public static string Version(string program)
    {
        using Process version = Process.Start(new ProcessStartInfo(program, ["-v"]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new BenchmarkFailedException($"could not run {program} -v");
        string first = version.StandardOutput.ReadLine() ?? "";
        version.WaitForExit(5_000);
        // "rsyslogd  8.2302.0 (aka 2023.02) compiled with:": the version, without the feature list that follows.
        int features = first.IndexOf(" compiled with", StringComparison.Ordinal);
        return (features < 0 ? first : first[..features]).Trim();
    }

    /// <summary>Writes the configuration, checks it (<c>rsyslogd -N1</c>), starts rsyslogd and waits until imtcp accepts connections.</summary>
    public static async Task<RsyslogProcess> StartAsync(string program, int maxSessions, int maxMessageSize, int queueWorkers, CancellationToken cancellationToken)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("actornet-bench-rsyslog-").FullName;
        try
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.Pick());
            string config = Path.Combine(directory, "rsyslog.conf");
            await File.WriteAllTextAsync(config, RsyslogConfig.Create(directory, endPoint.Port, maxSessions, maxMessageSize, queueWorkers), cancellationToken)
                .ConfigureAwait(false);
            await CheckAsync(program, config, cancellationToken).ConfigureAwait(false);

            var start = new ProcessStartInfo(program, ["-n", "-f", config, "-i", Path.Combine(directory, "rsyslogd.pid")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            var process = new Process { StartInfo = start };
            var rsyslog = new RsyslogProcess(process, directory, endPoint);
            process.OutputDataReceived += (_, line) => rsyslog.OnOutput(line.Data);
            process.ErrorDataReceived += (_, line) => rsyslog.OnOutput(line.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                // The probe's connection sends nothing, so rsyslog writes no message for it.
                await ListenerProbe.WaitUntilAcceptingAsync(endPoint, StartTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Timed out, or Ctrl+C: either way the child is stopped (and its folder deleted) before this returns.
                string why = process.HasExited ? $"rsyslogd exited with code {process.ExitCode}: {rsyslog.Errors}" : e.Message;
                await rsyslog.DisposeAsync().ConfigureAwait(false);
                if (e is TimeoutException)
                {
                    throw new BenchmarkFailedException($"rsyslogd did not start: {why}");
                }

                throw;
            }

            return rsyslog;
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>The kernel's high-water mark of rsyslogd's resident set (VmHWM): a new process per run, so the peak of this run.
    /// Zero once rsyslogd has exited (its /proc entry is gone): that run has failed anyway.</summary>
    public long PeakResidentBytes() => _process.HasExited ? 0 : ReadStatusKib("VmHWM:") * 1024;

    /// <summary>User + system CPU time of all rsyslogd's threads so far.</summary>
    public TimeSpan CpuTime()
    {
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }

        // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 14 and 15.
        string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>imtcp refuses nothing of a well-formed workload; what it cannot take, it does not count.</summary>
    public long Rejections => 0;

    /// <summary>rsyslogd's own messages (its log file and its output) for a failure report.</summary>
    public string Diagnostics()
    {
        string log = Path.Combine(Directory, RsyslogConfig.LogFileName);
        string logText = File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "(no log)";
        return $"rsyslogd output: {Errors}; {RsyslogConfig.LogFileName}: {logText}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // By its own id only: a clean stop first (rsyslogd flushes and removes its pidfile), then a kill.
                _ = Kill(_process.Id, SigTerm);
                try
                {
                    await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(StopTimeout).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _process.Kill();
                    await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(StopTimeout).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone, or not gone after a kill: nothing more this process can do about it.
        }
        finally
        {
            _process.Dispose();
            DeleteDirectory(Directory);
        }
    }

    private static async Task CheckAsync(string program, string config, CancellationToken cancellationToken)
    {
        using Process check = Process.Start(new ProcessStartInfo(program, ["-N1", "-f", config]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new BenchmarkFailedException($"could not run {program}");
        Task<string> output = check.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> errors = check.StandardError.ReadToEndAsync(cancellationToken);
        await check.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (check.ExitCode != 0)
        {
            throw new BenchmarkFailedException($"rsyslogd -N1 refused the benchmark's configuration {config}: {(await errors.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}");
        }
    }

    private long ReadStatusKib(string key)
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        throw new BenchmarkFailedException($"/proc/{_process.Id}/status has no {key}");
    }

    private string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Length == 0 ? "(none)" : _errors.ToString().Trim();
            }
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errors)
        {
            if (_errors.Length < 8 * 1024)
            {
                _errors.AppendLine(line);
            }
        }
    }

    private static void DeleteDirectory(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not delete {directory}: {e.Message}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
