namespace ActorNet.Sinks.Quarantine;

/// <summary>One quarantine entry as a quarantine sink stored it, read back for <c>actornet reparse</c>.</summary>
/// <param name="Source">The source the frame came from.</param>
/// <param name="Connection">Its connection id (unique within the process that received it).</param>
/// <param name="Peer">The remote end.</param>
/// <param name="Seq">Its sequence number within the connection.</param>
/// <param name="ReceivedAt">When the read that carried it completed (UTC).</param>
/// <param name="Error">Why it was rejected (the latest reason when an earlier reparse rejected it again).</param>
/// <param name="Reason">The short label of <paramref name="Error"/>.</param>
/// <param name="Raw">The bytes kept (at most quarantine-raw-limit).</param>
/// <param name="RawLength">The frame's full length: more than <c>Raw.Length</c> when the kept bytes were cut.</param>
/// <param name="Key">Where the store finds the entry again to mark it (a row id, or the entry's identity in a file).</param>
public sealed record QuarantinedFrame(
    string Source,
    long Connection,
    string Peer,
    long Seq,
    DateTime ReceivedAt,
    string Error,
    string Reason,
    byte[] Raw,
    long RawLength,
    string Key)
{
    /// <summary>The subject of the TLS client certificate the peer presented, as the quarantine stored it; null without one.</summary>
    public string? ClientSubject { get; init; }

    /// <summary>Whether the whole frame was kept: only then can it be parsed again.</summary>
    public bool IsWhole => Raw.LongLength == RawLength;
}

/// <summary>A quarantined frame that the current parser rejected again, with its new reason.</summary>
public sealed record StillFailing(QuarantinedFrame Frame, string Error, string Reason);
