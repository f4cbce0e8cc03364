namespace ActorNet.Framing;

/// <summary>Why bytes could not become a frame.</summary>
public enum FrameErrorKind : byte
{
    None,
    /// <summary>The frame (or its declared length) is longer than max-frame-length.</summary>
    FrameTooLong,
    /// <summary>A length field, after adjustment, is negative.</summary>
    NegativeLength,
    /// <summary>A length field, after adjustment, is shorter than the header bytes it must cover.</summary>
    LengthShorterThanHeader,
    /// <summary>Bytes up to the next frame boundary were skipped after the connection lost decoder state (restart).</summary>
    Resynchronised,
    /// <summary>The connection ended inside a frame.</summary>
    Truncated,
    /// <summary>A frame does not start with the framing's sync-marker.</summary>
    MissingSyncMarker,
    /// <summary>A frame that had started did not complete within frame-timeout; the connection was closed.</summary>
    FrameTimeout,
    /// <summary>A frame that had started arrived slower than min-data-rate; the connection was closed.</summary>
    BelowMinDataRate,
}
