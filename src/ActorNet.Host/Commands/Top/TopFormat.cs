using System.Globalization;

namespace ActorNet.Host.Commands.Top;

/// <summary>How <c>actornet top</c> writes numbers: counts with thousands separators, sizes in KiB/MiB/GiB, unknown rates as <c>-</c>.</summary>
public static class TopFormat
{
    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Whole numbers from 10/s up; one decimal below, so that a trickle (0.5/s) does not read as nothing.</summary>
    public static string Rate(double? perSecond) => perSecond switch
    {
        null => "-",
        < 10 and var slow => slow.ToString("0.0", CultureInfo.InvariantCulture),
        var fast => fast.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Bytes(long bytes) => Bytes((double)bytes);

    /// <summary>A poll interval as the command line takes it: <c>1s</c>, <c>500ms</c>, <c>2m</c>.</summary>
    public static string Interval(TimeSpan interval) =>
        interval.TotalSeconds >= 1 && interval.Milliseconds == 0
            ? interval.TotalMinutes >= 1 && interval.Seconds == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{interval.TotalMinutes:0}m")
                : string.Create(CultureInfo.InvariantCulture, $"{interval.TotalSeconds:0}s")
            : string.Create(CultureInfo.InvariantCulture, $"{interval.TotalMilliseconds:0}ms");

    public static string BytesRate(double? perSecond) => perSecond is { } rate ? Bytes(rate) + "/s" : "-";

    private static string Bytes(double bytes)
    {
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < ByteUnits.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {ByteUnits[unit]}");
    }
}
