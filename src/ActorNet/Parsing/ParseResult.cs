namespace ActorNet.Parsing;

/// <summary>
/// What a parser made of one frame: a payload (usually the frame's own bytes, so nothing is copied) or the
/// reason the frame is rejected. A struct, so that accepting a frame allocates nothing.
/// </summary>
public readonly struct ParseResult
{
    private ParseResult(ReadOnlyMemory<byte> payload, string? error, string reason)
    {
        Payload = payload;
        Error = error;
        Reason = reason;
    }

    /// <summary>The bytes a sink writes, in the parser's <see cref="IFrameParser.Format"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Why the frame was rejected, in words a person understands; null when accepted.</summary>
    public string? Error { get; }

    /// <summary>A short, fixed label for the quarantine metric (never a per-frame value).</summary>
    public string Reason { get; }

    public bool IsAccepted => Error is null;

    public static ParseResult Accept(ReadOnlyMemory<byte> payload) => new(payload, null, "");

    /// <param name="error">What is wrong with the frame.</param>
    /// <param name="reason">A label from a small fixed set, such as <c>invalid-utf8</c>.</param>
    public static ParseResult Reject(string error, string reason = "parse-error") =>
        new(default, error ?? throw new ArgumentNullException(nameof(error)), reason);
}
