using System.Runtime.InteropServices;

namespace ActorNet.Connections;

/// <summary>
/// The process's file-descriptor limit (RLIMIT_NOFILE) and how many descriptors are open: the platform seam
/// behind <see cref="DescriptorBudget"/>. Linux and macOS only; elsewhere (Windows has no such per-process limit
/// on sockets) <see cref="Read"/> reports no limit.
/// </summary>
internal static class DescriptorLimit
{
    /// <summary>
    /// Raises the soft limit to the hard limit when they differ (as nginx, PostgreSQL and the JVM do: the soft
    /// limit of 1,024 that many shells and units inherit is a leftover of select()'s FD_SETSIZE, which .NET never
    /// uses), then reads it. Null when the platform has no such limit or it is unlimited.
    /// </summary>
    public static (long Limit, bool Raised)? RaiseAndRead()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        var resource = OperatingSystem.IsMacOS() ? MacNoFile : LinuxNoFile;
        try
        {
            if (getrlimit(resource, out var limit) != 0) return null;
            var raised = false;
            if (limit.Current < limit.Maximum)
            {
                var wanted = limit with { Current = limit.Maximum };
                // macOS refuses an unlimited or too large soft limit (OPEN_MAX); keeping the old one is harmless.
                if (setrlimit(resource, in wanted) == 0 && getrlimit(resource, out var after) == 0)
                {
                    raised = after.Current > limit.Current;
                    limit = after;
                }
            }
            if (limit.Current >= (ulong)long.MaxValue) return null;
            return ((long)limit.Current, raised);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Descriptors open in this process now, or 0 when the platform does not list them.</summary>
    public static int CountOpen()
    {
        var directory = OperatingSystem.IsLinux() ? "/proc/self/fd" : OperatingSystem.IsMacOS() ? "/dev/fd" : null;
        if (directory is null || !Directory.Exists(directory)) return 0;
        try
        {
            // Listing the directory opens one descriptor of its own, which is listed too.
            return Math.Max(0, Directory.EnumerateFileSystemEntries(directory).Count() - 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private const int LinuxNoFile = 7;
    private const int MacNoFile = 8;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);
}
