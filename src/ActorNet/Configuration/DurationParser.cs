using System.Globalization;

namespace ActorNet.Configuration;

/// <summary>Parses durations such as <c>250ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>.</summary>
public static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !double.TryParse(s.AsSpan(0, i), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
        double? ms = s[i..].Trim() switch
        {
            "ms" or "millis" or "milliseconds" => number,
            "s" or "second" or "seconds" => number * 1_000,
            "m" or "min" or "minute" or "minutes" => number * 60_000,
            "h" or "hour" or "hours" => number * 3_600_000,
            "d" or "day" or "days" => number * 86_400_000,
            _ => null,
        };
        if (ms is null || ms > TimeSpan.MaxValue.TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(ms.Value);
        return true;
    }
}
