namespace ActorNet.Sinks.Quarantine;

/// <summary>What one <see cref="QuarantineReparser.Run"/> did with the unresolved entries it read.</summary>
/// <param name="Reparsed">Parsed now, stored in their source's sinks and marked resolved.</param>
/// <param name="StillFailing">Rejected again by the current parser; left in the quarantine with the new reason.</param>
/// <param name="StillFailingReasons">How many of <paramref name="StillFailing"/> have each reason.</param>
/// <param name="RawCut">Skipped: only the first quarantine-raw-limit bytes were kept, so the frame cannot be parsed again.</param>
/// <param name="RejectedByFraming">Skipped: the framing rejected them (too long, truncated, ...); no parser ever saw them.</param>
/// <param name="UnknownSource">Skipped: their source is not in the configuration any more.</param>
public sealed record ReparseSummary(
    long Reparsed,
    long StillFailing,
    IReadOnlyDictionary<string, long> StillFailingReasons,
    long RawCut,
    long RejectedByFraming,
    long UnknownSource)
{
    public long Skipped => RawCut + RejectedByFraming + UnknownSource;

    /// <summary>Whether every entry read is resolved now (nothing still failing or skipped).</summary>
    public bool AllResolved => StillFailing == 0 && Skipped == 0;
}
