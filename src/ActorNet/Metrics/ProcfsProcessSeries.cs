using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ActorNet.Metrics;

/// <summary>
/// The process series every Prometheus client library exports under the same names, so that dashboards and alerts
/// written for any service work unchanged: <c>process_cpu_seconds_total</c>, <c>process_resident_memory_bytes</c>,
/// <c>process_virtual_memory_bytes</c>, <c>process_open_fds</c>, <c>process_max_fds</c> and
/// <c>process_start_time_seconds</c>. Read from Linux's <c>/proc</c> at each scrape, as client_golang's process
/// collector does; elsewhere there is no <c>/proc</c> and nothing is written.
/// </summary>
/// <remarks>
/// A scrape reads two small files into one buffer kept for the purpose and parses them as bytes, without a string
/// per field; scrapes are serialised by the exporter, so the buffer needs no lock of its own. Counting the open
/// descriptors walks <c>/proc/self/fd</c> without a string per entry, but costs the kernel one <c>stat</c> per
/// descriptor (a few milliseconds at 10,000 connections).
/// </remarks>
public sealed class ProcfsProcessSeries
{
    // The kernel reports CPU times in USER_HZ ticks, 100 per second on every Linux architecture .NET runs on
    // (sysconf(_SC_CLK_TCK)); client_golang's procfs assumes the same.
    private const double TicksPerSecond = 100;

    private static readonly EnumerationOptions FdEnumeration = new()
    {
        // /proc/self/fd holds symbolic links; none is skipped for its attributes, and an entry that vanishes while
        // the walk runs (a connection closing) is not an error.
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly string _statPath;
    private readonly string _limitsPath;
    private readonly string _fdPath;
    private readonly byte[] _buffer = new byte[8192];
    private readonly double? _startTimeSeconds;

    /// <param name="procDirectory">The process's directory under /proc, <c>/proc/self</c> for this process.</param>
    /// <param name="bootTimeSeconds">The boot time (<c>btime</c> of /proc/stat), which process start times count from.</param>
    internal ProcfsProcessSeries(string procDirectory, long? bootTimeSeconds)
    {
        _statPath = Path.Combine(procDirectory, "stat");
        _limitsPath = Path.Combine(procDirectory, "limits");
        _fdPath = Path.Combine(procDirectory, "fd");
        // The start time never changes: read once.
        if (bootTimeSeconds is { } boot && ReadFile(_statPath) is { } length && ProcStat.TryParse(_buffer.AsSpan(0, length), out var stat))
        {
            _startTimeSeconds = boot + stat.StartTicks / TicksPerSecond;
        }
    }

    /// <summary>The series of this process; null where there is no <c>/proc/self/stat</c> (not Linux).</summary>
    public static ProcfsProcessSeries? ForCurrentProcess() =>
        File.Exists("/proc/self/stat") ? new ProcfsProcessSeries("/proc/self", ReadBootTime("/proc/stat")) : null;

    /// <summary>Writes the series whose source could be read; one that cannot be read (a file gone, a format not understood) is left out.</summary>
    public void WriteTo(TextWriter writer)
    {
        if (ReadFile(_statPath) is { } statLength && ProcStat.TryParse(_buffer.AsSpan(0, statLength), out var stat))
        {
            Write(writer, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                (stat.UserTicks + stat.SystemTicks) / TicksPerSecond);
            Write(writer, "process_max_fds", "gauge", "Maximum number of open file descriptors.", ReadMaxFds());
            Write(writer, "process_open_fds", "gauge", "Number of open file descriptors.", CountOpenFds());
            Write(writer, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                (double)stat.ResidentPages * Environment.SystemPageSize);
            Write(writer, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", _startTimeSeconds);
            Write(writer, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", stat.VirtualBytes);
        }
    }

    private static void Write(TextWriter writer, string name, string type, string help, double? value)
    {
        if (value is not { } number) return;
        writer.Write("# HELP ");
        writer.Write(name);
        writer.Write(' ');
        writer.Write(help);
        writer.Write("\n# TYPE ");
        writer.Write(name);
        writer.Write(' ');
        writer.Write(type);
        writer.Write('\n');
        writer.Write(name);
        writer.Write(' ');
        Span<char> text = stackalloc char[32];
        number.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture);
        writer.Write(text[..written]);
        writer.Write('\n');
    }

    // The soft limit of "Max open files"; "unlimited" is written as no series, as client_golang does.
    private double? ReadMaxFds()
    {
        if (ReadFile(_limitsPath) is not { } length) return null;
        var text = _buffer.AsSpan(0, length);
        var line = text.IndexOf("Max open files"u8);
        if (line < 0) return null;
        var rest = text[(line + "Max open files".Length)..].TrimStart((byte)' ');
        var end = rest.IndexOf((byte)' ');
        return end > 0 && long.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;
    }

    private double? CountOpenFds()
    {
        var count = 0;
        try
        {
            var entries = new FileSystemEnumerable<byte>(_fdPath, static (ref FileSystemEntry _) => 0, FdEnumeration)
            {
                ShouldIncludePredicate = (ref FileSystemEntry _) =>
                {
                    count++;
                    return false; // counted, never transformed: no object per entry
                },
            };
            foreach (var _ in entries)
            {
            }
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return count;
    }

    // Reads a file of /proc into _buffer; the number of bytes, or null when it cannot be read or does not fit.
    private int? ReadFile(string path)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path);
            // procfs files report a size of 0: read until the end.
            var total = 0;
            while (total < _buffer.Length)
            {
                var read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
                if (read == 0) return total;
                total += read;
            }

            return null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static long? ReadBootTime(string procStatPath)
    {
        try
        {
            foreach (var line in File.ReadLines(procStatPath, Encoding.ASCII))
            {
                if (line.StartsWith("btime ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                {
                    return seconds;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
