using ActorNet.Framing;

namespace ActorNet.Configuration;

/// <summary>How a source cuts its byte stream into frames. Each connection gets its own decoder.</summary>
public abstract record FramingSettings(int MaxFrameLength)
{
    public abstract string Type { get; }

    /// <summary>A new decoder (decoders keep per-connection state).</summary>
    public abstract IFrameDecoder CreateDecoder();

    /// <summary>An encoder for frames written back to peers (echo, acknowledgements, heartbeats).</summary>
    public abstract IFrameEncoder CreateEncoder();

    /// <summary>Whether a connection can find the next frame boundary after losing a partial frame.</summary>
    public abstract bool CanResynchronise { get; }
}

public sealed record DelimiterFramingSettings(byte[] Delimiter, int MaxFrameLength) : FramingSettings(MaxFrameLength)
{
    public override string Type => "delimiter";
    public override bool CanResynchronise => true;
    public override IFrameDecoder CreateDecoder() => new DelimiterFrameDecoder(Delimiter, MaxFrameLength);
    public override IFrameEncoder CreateEncoder() => new DelimiterFrameDecoder(Delimiter, MaxFrameLength);
}

public sealed record LengthFieldFramingSettings(
    int LengthFieldOffset,
    int LengthFieldLength,
    bool BigEndian,
    long LengthAdjustment,
    int InitialBytesToStrip,
    int MaxFrameLength) : FramingSettings(MaxFrameLength)
{
    public override string Type => "length-field";

    /// <summary>
    /// sync-marker: the bytes every frame starts with, as upper-case hex (a string so that two readings of one file
    /// compare equal); null when off.
    /// </summary>
    public string? SyncMarker { get; init; }

    /// <summary>on-bad-length: what a bad frame start does to the peer (resync needs <see cref="SyncMarker"/>).</summary>
    public BadLengthAction OnBadLength { get; init; } = BadLengthAction.Close;

    /// <summary>With a marker, the rest of a lost frame can be skipped to the next one; without, nothing tells where it ends.</summary>
    public override bool CanResynchronise => SyncMarker is not null;

    public override IFrameDecoder CreateDecoder() => SyncMarker is null ? Frames() : Marked();
    public override IFrameEncoder CreateEncoder() => SyncMarker is null ? Frames() : Marked();

    private LengthFieldFrameDecoder Frames() => new(LengthFieldOffset, LengthFieldLength, BigEndian, LengthAdjustment,
        InitialBytesToStrip, MaxFrameLength);

    private SyncMarkerFrameDecoder Marked() =>
        new(Frames(), Convert.FromHexString(SyncMarker!), OnBadLength == BadLengthAction.Resync);
}

/// <summary>What a length-field source does after a bad frame start (a bad length, a missing sync marker).</summary>
public enum BadLengthAction
{
    /// <summary>Quarantine the header and close the peer: nothing tells where the next frame starts.</summary>
    Close,

    /// <summary>Quarantine the bytes up to the next sync marker and go on.</summary>
    Resync,
}

public sealed record FixedFramingSettings(int FrameLength) : FramingSettings(FrameLength)
{
    public override string Type => "fixed";
    public override bool CanResynchronise => true;
    public override IFrameDecoder CreateDecoder() => new FixedLengthFrameDecoder(FrameLength);
    public override IFrameEncoder CreateEncoder() => new FixedLengthFrameDecoder(FrameLength);
}

public sealed record RawFramingSettings(int MaxFrameLength) : FramingSettings(MaxFrameLength)
{
    public override string Type => "raw";
    public override bool CanResynchronise => true;
    public override IFrameDecoder CreateDecoder() => new RawFrameDecoder(MaxFrameLength);
    public override IFrameEncoder CreateEncoder() => new RawFrameDecoder(MaxFrameLength);
}
