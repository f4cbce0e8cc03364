using System.Buffers.Binary;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>The framings the fuzz runner drives, named as <c>framing.type</c> names them.</summary>
public enum FuzzFraming
{
    Delimiter,
    LengthField,
    /// <summary>length-field with a sync-marker and on-bad-length = resync: a bad start skips to the next marker.</summary>
    LengthFieldResync,
    Fixed,
    Raw,
}

/// <summary>The built-in parsers, named as the <c>parser</c> key names them.</summary>
public enum FuzzParser
{
    Text,
    Json,
    Binary,
}

/// <summary>
/// One framing with its limits and one parser: what the ActorNet source is configured with, how a payload is put
/// on the wire, and what the configuration block says. Limits are small on purpose, so that "too long" and "huge
/// length" mutations cost kilobytes, not megabytes, per frame.
/// </summary>
public sealed record FuzzShape(FuzzFraming Framing, FuzzParser Parser)
{
    /// <summary>delimiter and raw: the longest payload; length-field: the longest frame, header included (as the key means).</summary>
    public int MaxFrameLength => Framing switch
    {
        FuzzFraming.Delimiter => 1024,
        FuzzFraming.LengthField => 1024 + HeaderLength,
        FuzzFraming.LengthFieldResync => 1024 + HeaderLength,
        FuzzFraming.Fixed => FixedFrameLength,
        _ => 4096,
    };

    /// <summary>fixed framing: every frame is this many bytes (payloads are padded to it).</summary>
    public const int FixedFrameLength = 96;

    /// <summary>
    /// length-field framing: a 4-byte big-endian length of the payload after it; with resync, the 2-byte sync marker
    /// and a 2-byte length (the header is 4 bytes either way).
    /// </summary>
    public const int HeaderLength = 4;

    /// <summary>length-field-resync: the bytes every frame starts with (a common device-protocol marker).</summary>
    public static ReadOnlySpan<byte> SyncMarker => [0xAA, 0x55];

    /// <summary>Where the length field starts in the header.</summary>
    public int LengthFieldOffset => Framing == FuzzFraming.LengthFieldResync ? SyncMarker.Length : 0;

    public bool IsLengthField => Framing is FuzzFraming.LengthField or FuzzFraming.LengthFieldResync;

    public const byte Delimiter = (byte)'\n';

    /// <summary>The longest payload a valid frame of this framing carries.</summary>
    public int MaxPayloadLength => Framing switch
    {
        FuzzFraming.LengthField or FuzzFraming.LengthFieldResync => MaxFrameLength - HeaderLength,
        _ => MaxFrameLength,
    };

    public string Name => $"{FuzzShapes.Name(Framing)}/{FuzzShapes.Name(Parser)}";

    /// <summary>The source's framing block and parser, as HOCON keys.</summary>
    public string SourceHocon()
    {
        string framing = Framing switch
        {
            FuzzFraming.Delimiter => $$"""framing { type = delimiter, delimiter = "\n", max-frame-length = {{MaxFrameLength}} }""",
            FuzzFraming.LengthField =>
                $$"""framing { type = length-field, length-field-length = {{HeaderLength}}, max-frame-length = {{MaxFrameLength}} }""",
            FuzzFraming.LengthFieldResync =>
                $$"""framing { type = length-field, sync-marker = "AA55", on-bad-length = resync, length-field-offset = 2, length-field-length = 2, max-frame-length = {{MaxFrameLength}} }""",
            FuzzFraming.Fixed => $$"""framing { type = fixed, frame-length = {{FixedFrameLength}} }""",
            _ => $$"""framing { type = raw, max-frame-length = {{MaxFrameLength}} }""",
        };
        // Quarantined frames are kept whole (raw-limit >= any frame or chunk the framing lets through, and the
        // longest too-long delimiter frame the mutator makes), so the raw framing's byte accounting can use them.
        return $"{framing}\nparser = {FuzzShapes.Name(Parser)}\nquarantine-raw-limit = {4 * MaxFrameLength}";
    }

    /// <summary>A valid payload on the wire: framed, and for fixed framing padded or cut to the frame length.</summary>
    public byte[] Encode(ReadOnlySpan<byte> payload)
    {
        switch (Framing)
        {
            case FuzzFraming.Delimiter:
            {
                var wire = new byte[payload.Length + 1];
                payload.CopyTo(wire);
                wire[^1] = Delimiter;
                return wire;
            }
            case FuzzFraming.LengthField:
            {
                var wire = new byte[HeaderLength + payload.Length];
                BinaryPrimitives.WriteUInt32BigEndian(wire, (uint)payload.Length);
                payload.CopyTo(wire.AsSpan(HeaderLength));
                return wire;
            }
            case FuzzFraming.LengthFieldResync:
            {
                var wire = new byte[HeaderLength + payload.Length];
                SyncMarker.CopyTo(wire);
                BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan(SyncMarker.Length), (ushort)payload.Length);
                payload.CopyTo(wire.AsSpan(HeaderLength));
                return wire;
            }
            default:
                return payload.ToArray();
        }
    }
}

/// <summary>Names of framings and parsers on the command line, as the configuration spells them.</summary>
public static class FuzzShapes
{
    public static IReadOnlyDictionary<string, FuzzFraming> Framings { get; } = new Dictionary<string, FuzzFraming>
    {
        ["delimiter"] = FuzzFraming.Delimiter,
        ["length-field"] = FuzzFraming.LengthField,
        ["length-field-resync"] = FuzzFraming.LengthFieldResync,
        ["fixed"] = FuzzFraming.Fixed,
        ["raw"] = FuzzFraming.Raw,
    };

    public static IReadOnlyDictionary<string, FuzzParser> Parsers { get; } = new Dictionary<string, FuzzParser>
    {
        ["text"] = FuzzParser.Text,
        ["json"] = FuzzParser.Json,
        ["binary"] = FuzzParser.Binary,
    };

    public static string Name(FuzzFraming framing) => Framings.First(pair => pair.Value == framing).Key;

    public static string Name(FuzzParser parser) => Parsers.First(pair => pair.Value == parser).Key;
}
