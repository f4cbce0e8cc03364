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
    public override bool CanResynchronise => false;

    public override IFrameDecoder CreateDecoder() => Create();
    public override IFrameEncoder CreateEncoder() => Create();

    private LengthFieldFrameDecoder Create() => new(LengthFieldOffset, LengthFieldLength, BigEndian, LengthAdjustment,
        InitialBytesToStrip, MaxFrameLength);
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
