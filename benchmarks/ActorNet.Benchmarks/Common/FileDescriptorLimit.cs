using System.Globalization;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// Checks RLIMIT_NOFILE before opening thousands of sockets, so that a low limit is reported as such instead of
/// as "Too many open files" halfway through a run. The .NET runtime raises the soft limit to the hard limit at
/// start-up on Linux, so the soft limit read here is what this process really has.
/// </summary>
public static class FileDescriptorLimit
{
    /// <summary>Descriptors the runtime, the listeners and the host use besides the measured sockets.</summary>
    public const int Headroom = 256;

    /// <summary>The soft limit of this process, or null where /proc/self/limits does not exist.</summary>
    public static long? Current()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && fields[0] == "unlimited")
            {
                return long.MaxValue;
            }

            return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft)
                ? soft
                : null;
        }

        return null;
    }

    /// <summary>Throws when fewer than <paramref name="sockets"/> + <see cref="Headroom"/> descriptors may be open.</summary>
    /// <param name="sockets">Sockets this process will hold at once.</param>
    /// <param name="what">What they are for, for the message.</param>
    public static void EnsureRoomFor(long sockets, string what)
    {
        long? limit = Current();
        long needed = sockets + Headroom;
        if (limit is { } soft && soft < needed)
        {
            throw new BenchmarkFailedException(
                $"the open-file limit is {soft} but {what} needs {needed} ({sockets} sockets + {Headroom} spare); " +
                $"raise it first, e.g. `ulimit -n {RoundUp(needed)}` (the hard limit, `ulimit -Hn`, caps what a shell may set), " +
                "or use fewer --connections");
        }
    }

    private static long RoundUp(long value) => (value + 1023) / 1024 * 1024;
}
