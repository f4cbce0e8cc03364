namespace ActorNet.Framing;

/// <summary>
/// A framing failure, kept as numbers so that a decoder never allocates; <see cref="Describe"/> builds the
/// sentence only when a frame is actually quarantined.
/// </summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Length">The offending length (bytes seen or declared by the length field).</param>
/// <param name="Limit">The limit it was checked against (max-frame-length, header length, ...).</param>
/// <param name="SkippedToSyncMarker">
/// The decoder did not close the stream over this error but skipped the bytes up to the next sync-marker (their count
/// is the quarantined frame's length, not one of these numbers).
/// </param>
public readonly record struct FrameError(FrameErrorKind Kind, long Length, long Limit, bool SkippedToSyncMarker = false)
{
    public static FrameError None => default;

    public string Describe() => SkippedToSyncMarker && Kind != FrameErrorKind.Resynchronised
        ? DescribeKind() + "; the bytes up to the next sync-marker were skipped"
        : DescribeKind();

    private string DescribeKind() => Kind switch
    {
        FrameErrorKind.FrameTooLong => $"frame length {Length} exceeds max-frame-length {Limit}",
        FrameErrorKind.NegativeLength => $"length field gives a negative frame length {Length}",
        FrameErrorKind.LengthShorterThanHeader =>
            $"length field gives a frame length {Length} that is shorter than the {Limit} header bytes it must include",
        FrameErrorKind.Resynchronised =>
            $"skipped {Length} bytes to the next frame boundary after the connection lost a partial frame of {Limit} bytes",
        FrameErrorKind.Truncated => $"connection closed after {Length} bytes of an incomplete frame",
        FrameErrorKind.MissingSyncMarker => $"frame does not start with the {Limit}-byte sync-marker",
        FrameErrorKind.FrameTimeout =>
            $"frame not complete within frame-timeout ({Limit} ms) after {Length} bytes of it arrived; the connection was closed",
        FrameErrorKind.BelowMinDataRate =>
            $"frame arriving below min-data-rate ({Limit} bytes per second) after {Length} bytes of it arrived; the connection was closed",
        _ => "no error",
    };

    /// <summary>Every <see cref="Reason"/> a framing failure can have: tells a frame the framing rejected from one a parser did.</summary>
    public static IReadOnlySet<string> Reasons { get; } = Enum.GetValues<FrameErrorKind>()
        .Where(kind => kind != FrameErrorKind.None)
        .Select(kind => new FrameError(kind, 0, 0).Reason)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>A short, bounded label for metrics (never a per-frame value).</summary>
    public string Reason => Kind switch
    {
        FrameErrorKind.FrameTooLong => "frame-too-long",
        FrameErrorKind.NegativeLength => "negative-length",
        FrameErrorKind.LengthShorterThanHeader => "length-shorter-than-header",
        FrameErrorKind.Resynchronised => "resynchronised",
        FrameErrorKind.Truncated => "truncated",
        FrameErrorKind.MissingSyncMarker => "missing-sync-marker",
        FrameErrorKind.FrameTimeout => "frame-timeout",
        FrameErrorKind.BelowMinDataRate => "min-data-rate",
        _ => "none",
    };
}
