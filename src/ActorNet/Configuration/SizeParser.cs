using System.Globalization;

namespace ActorNet.Configuration;

/// <summary>Parses byte sizes such as <c>512</c>, <c>64 KiB</c>, <c>4MiB</c>, <c>1 GB</c>, up to <c>EiB</c>.</summary>
public static class SizeParser
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i == 0 || !long.TryParse(s.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
        long unit = s[i..].Trim() switch
        {
            "" or "B" or "b" or "bytes" => 1,
            "KiB" or "K" or "k" => 1L << 10,
            "MiB" or "M" or "m" => 1L << 20,
            "GiB" or "G" or "g" => 1L << 30,
            "TiB" or "T" or "t" => 1L << 40,
            "PiB" or "P" or "p" => 1L << 50,
            "EiB" => 1L << 60,
            "kB" or "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            "TB" => 1_000_000_000_000,
            "PB" => 1_000_000_000_000_000,
            "EB" => 1_000_000_000_000_000_000,
            _ => 0,
        };
        if (unit == 0 || number > long.MaxValue / unit) return false;
        bytes = number * unit;
        return true;
    }
}
