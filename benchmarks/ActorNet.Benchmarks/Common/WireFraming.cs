namespace ActorNet.Benchmarks.Common;

/// <summary>How records are cut on the wire, as the load generator writes them and the servers count them.</summary>
public enum WireFraming
{
    /// <summary>Printable ASCII payload followed by <c>'\n'</c>.</summary>
    Lines,

    /// <summary>A 4-byte big-endian payload length, then the payload.</summary>
    LengthField,
}

/// <summary>The command-line names of <see cref="WireFraming"/> and the bytes each adds to a payload.</summary>
public static class WireFramingNames
{
    public static IReadOnlyDictionary<string, WireFraming> ByName { get; } = new Dictionary<string, WireFraming>
    {
        ["lines"] = WireFraming.Lines,
        ["length-field"] = WireFraming.LengthField,
    };

    public static string Name(this WireFraming framing) => framing switch
    {
        WireFraming.Lines => "lines",
        WireFraming.LengthField => "length-field",
        _ => throw new ArgumentOutOfRangeException(nameof(framing), framing, null),
    };

    /// <summary>Bytes on the wire besides the payload: the delimiter or the length header.</summary>
    public static int Overhead(this WireFraming framing) => framing switch
    {
        WireFraming.Lines => 1,
        WireFraming.LengthField => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(framing), framing, null),
    };
}
