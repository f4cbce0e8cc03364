using System.Globalization;
using ActorNet.Framing;

namespace ActorNet.Configuration;

/// <summary>
/// The framing keys <c>sync-marker</c> and <c>on-bad-length</c>: read for length-field framing, refused with any
/// other (a delimiter or a fixed size already tells where the next frame starts).
/// </summary>
internal static class SyncMarkerKeys
{
    private const string MarkerExpected =
        "hex bytes such as \"AA55\" or \"AA 55\" (1 to 16 bytes), or off";

    private static readonly Dictionary<string, BadLengthAction> Actions = new()
    {
        ["close"] = BadLengthAction.Close,
        ["resync"] = BadLengthAction.Resync,
    };

    /// <summary><paramref name="framing"/> with the marker and the bad-length action of block <paramref name="f"/>.</summary>
    public static LengthFieldFramingSettings Read(ConfigSection f, LengthFieldFramingSettings framing)
    {
        var marker = ReadMarker(f);
        var action = f.Choice("on-bad-length", Actions);
        if (action == BadLengthAction.Resync && marker is null && f.Valid("sync-marker"))
        {
            f.Error("on-bad-length", "resync",
                "close unless sync-marker is set (resync skips to the next sync-marker, so frames must start with one)");
        }

        if (marker is not null && f.Valid("length-field-offset", "sync-marker") && framing.LengthFieldOffset < marker.Length)
        {
            f.Error("length-field-offset", framing.LengthFieldOffset.ToString(CultureInfo.InvariantCulture),
                $"at least the {marker.Length} bytes of sync-marker (the marker starts every frame, before the length field)");
        }

        return framing with { SyncMarker = marker is null ? null : Convert.ToHexString(marker), OnBadLength = action };
    }

    /// <summary>For framing types other than length-field: both keys must keep their defaults.</summary>
    public static void RejectFor(ConfigSection f, string type)
    {
        if (ReadMarker(f) is not null)
            f.Error("sync-marker", f.Text("sync-marker", MarkerExpected), $"off with {type} framing (a sync-marker applies to length-field framing)");
        if (f.Choice("on-bad-length", Actions) != BadLengthAction.Close)
            f.Error("on-bad-length", "resync", $"close with {type} framing (resync applies to length-field framing with a sync-marker)");
    }

    /// <summary>The marker's bytes, null when off (or after reporting a bad value).</summary>
    private static byte[]? ReadMarker(ConfigSection f)
    {
        var text = f.Text("sync-marker", MarkerExpected);
        if (text is null or "off" or "") return null;
        var digits = text.Replace(" ", "", StringComparison.Ordinal);
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
        if (digits.Length is 0 or > 2 * SyncMarkerFrameDecoder.MaxMarkerLength || digits.Length % 2 != 0 || !digits.All(char.IsAsciiHexDigit))
        {
            f.Error("sync-marker", text, MarkerExpected);
            return null;
        }

        return Convert.FromHexString(digits);
    }
}
