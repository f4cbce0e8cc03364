using System.Globalization;

namespace ActorNet.Configuration;

/// <summary>
/// Durations and sizes written back the way a configuration file writes them (<c>10ms</c>, <c>365d</c>,
/// <c>64 KiB</c>), for every message that shows one: what <see cref="DurationParser"/> and <see cref="SizeParser"/>
/// read, so that an operator can copy a bound from an error into the file.
/// </summary>
public static class HoconUnits
{
    private static readonly (long Milliseconds, string Unit)[] DurationUnits =
        [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")];

    private static readonly (long Bytes, string Unit)[] SizeUnits =
        [(1L << 60, "EiB"), (1L << 50, "PiB"), (1L << 40, "TiB"), (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB")];

    /// <summary>The largest unit that holds <paramref name="duration"/> whole: <c>10ms</c>, <c>90s</c>, <c>1h</c>, <c>365d</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var ticks = duration.Ticks;
        if (ticks % TimeSpan.TicksPerMillisecond != 0)
            return (duration.TotalMilliseconds).ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        var ms = ticks / TimeSpan.TicksPerMillisecond;
        foreach (var (unit, name) in DurationUnits)
        {
            if (ms % unit == 0) return (ms / unit).ToString(CultureInfo.InvariantCulture) + name;
        }
        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary>The largest binary unit that holds <paramref name="bytes"/> whole: <c>64 KiB</c>, <c>1 GiB</c>, else <c>1000 bytes</c>.</summary>
    public static string Size(long bytes)
    {
        if (bytes != 0)
        {
            foreach (var (unit, name) in SizeUnits)
            {
                if (bytes % unit == 0) return (bytes / unit).ToString(CultureInfo.InvariantCulture) + " " + name;
            }
        }
        return bytes.ToString(CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
    }
}
