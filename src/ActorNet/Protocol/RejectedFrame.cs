namespace ActorNet.Protocol;

/// <summary>A frame that could not be framed or parsed, on its way to the source's quarantine sink.</summary>
/// <param name="Reason">A short label for metrics (frame-too-long, invalid-utf8, ...).</param>
/// <param name="Error">What was wrong, for a person.</param>
/// <param name="Raw">The frame's first bytes (at most quarantine-raw-limit).</param>
/// <param name="RawLength">The frame's full length in bytes.</param>
public sealed record RejectedFrame(string Reason, string Error, ReadOnlyMemory<byte> Raw, long RawLength)
{
    /// <summary>
    /// The reason of a partial frame a connection actor lost when it restarted: never a whole frame, so, like the
    /// framing's own reasons, nothing a fixed parser could store.
    /// </summary>
    public const string LostOnRestart = "restart";
}
