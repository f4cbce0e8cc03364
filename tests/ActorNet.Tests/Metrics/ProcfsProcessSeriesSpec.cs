using System.Globalization;
using System.Text;
using ActorNet.Metrics;
using Xunit;

namespace ActorNet.Tests.Metrics;

// A directory laid out as /proc/<pid> stands in for the process, so that every value is known.
public sealed class ProcfsProcessSeriesSpec : IDisposable
{
    private const string Stat =
        "4242 (actor net) S 1 4242 4242 0 -1 4194560 31337 0 12 0 250 75 0 0 20 0 23 0 98765 54385823744 27612 " +
        "18446744073709551615 1 1 0 0 0 0 0 4096 17663 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            20000                524288               files
        Max locked memory         8388608              8388608              bytes

        """;

    private readonly string _proc = Directory.CreateTempSubdirectory("actornet-proc-").FullName;

    public ProcfsProcessSeriesSpec()
    {
        File.WriteAllText(Path.Combine(_proc, "stat"), Stat);
        File.WriteAllText(Path.Combine(_proc, "limits"), Limits);
        Directory.CreateDirectory(Path.Combine(_proc, "fd"));
        for (var fd = 0; fd < 7; fd++) File.WriteAllText(Path.Combine(_proc, "fd", fd.ToString(CultureInfo.InvariantCulture)), "");
    }

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private static string Write(ProcfsProcessSeries series)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        series.WriteTo(writer);
        return writer.ToString();
    }

    [Fact]
    public void Writes_the_series_client_libraries_write_with_values_from_proc()
    {
        var text = Write(new ProcfsProcessSeries(_proc, bootTimeSeconds: 1_700_000_000));

        var page = Environment.SystemPageSize;
        Assert.Equal($"""
            # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 3.25
            # HELP process_max_fds Maximum number of open file descriptors.
            # TYPE process_max_fds gauge
            process_max_fds 20000
            # HELP process_open_fds Number of open file descriptors.
            # TYPE process_open_fds gauge
            process_open_fds 7
            # HELP process_resident_memory_bytes Resident memory size in bytes.
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes {27612L * page}
            # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds 1700000987.65
            # HELP process_virtual_memory_bytes Virtual memory size in bytes.
            # TYPE process_virtual_memory_bytes gauge
            process_virtual_memory_bytes 54385823744

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Reads_again_at_each_scrape()
    {
        var series = new ProcfsProcessSeries(_proc, bootTimeSeconds: 1_700_000_000);
        Write(series);

        File.WriteAllText(Path.Combine(_proc, "fd", "99"), "");
        File.WriteAllText(Path.Combine(_proc, "stat"), Stat.Replace(" 250 75 ", " 1250 75 ", StringComparison.Ordinal));

        var text = Write(series);
        Assert.Contains("\nprocess_open_fds 8\n", text, StringComparison.Ordinal);
        Assert.Contains("\nprocess_cpu_seconds_total 13.25\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_out_what_cannot_be_read_an_unlimited_file_limit_and_an_unknown_boot_time()
    {
        File.WriteAllText(Path.Combine(_proc, "limits"), Limits.Replace("20000 ", "unlimited ", StringComparison.Ordinal));
        Directory.Delete(Path.Combine(_proc, "fd"), recursive: true);

        var text = Write(new ProcfsProcessSeries(_proc, bootTimeSeconds: null));

        Assert.DoesNotContain("process_max_fds", text, StringComparison.Ordinal);
        Assert.DoesNotContain("process_open_fds", text, StringComparison.Ordinal);
        Assert.DoesNotContain("process_start_time_seconds", text, StringComparison.Ordinal);
        Assert.Contains("\nprocess_cpu_seconds_total 3.25\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_nothing_without_a_stat_file()
    {
        File.Delete(Path.Combine(_proc, "stat"));

        Assert.Equal("", Write(new ProcfsProcessSeries(_proc, bootTimeSeconds: 1_700_000_000)));
    }

    [Fact]
    public void A_scrape_allocates_no_object_per_open_descriptor()
    {
        for (var fd = 7; fd < 5000; fd++) File.WriteAllText(Path.Combine(_proc, "fd", fd.ToString(CultureInfo.InvariantCulture)), "");
        var series = new ProcfsProcessSeries(_proc, bootTimeSeconds: 1_700_000_000);
        var output = new StringWriter(new StringBuilder(4096), CultureInfo.InvariantCulture);
        series.WriteTo(output); // the first scrape warms up the enumeration's pooled buffer

        output.GetStringBuilder().Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        series.WriteTo(output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("\nprocess_open_fds 5000\n", output.ToString(), StringComparison.Ordinal);
        // A string per entry alone would be 5000 x 32 bytes; what is left is a file handle or two and the walk's enumerator.
        Assert.True(allocated < 8 * 1024, $"one scrape allocated {allocated} bytes");
    }
}
