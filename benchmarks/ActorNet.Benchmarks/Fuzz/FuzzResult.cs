using System.Globalization;
using ActorNet.Benchmarks.Common;

namespace ActorNet.Benchmarks.Fuzz;

/// <summary>What one framing x parser of <c>fuzz</c> found, and its one-line summary.</summary>
public sealed record FuzzResult(
    FuzzShape Shape,
    FuzzTally Expected,
    SinkContents Actual,
    long CutShort,
    bool HostAlive,
    long CrashSignals,
    IReadOnlyList<string> CrashLines,
    long WarmRss,
    long EndRss,
    long PeakRss,
    TimeSpan Elapsed,
    string Directory)
{
    /// <summary>The end RSS may exceed the one after warm-up by this share at most (the issue's figure).</summary>
    public const double RssGrowthLimit = 0.10;

    public double RssGrowth => (EndRss - WarmRss) / (double)WarmRss;

    public bool Crashed => !HostAlive || CrashSignals > 0 || CutShort > 0;

    /// <summary>Every frame the oracle accepts is in the frames sink with its content (raw: every stream whole).</summary>
    public bool Delivered => Shape.Framing == FuzzFraming.Raw
        ? Actual.Tally.Streams == Expected.Streams && Actual.Tally.StreamDigest == Expected.StreamDigest
          && Actual.Tally.Bytes == Expected.Bytes && Actual.OracleMismatches == 0
        : Actual.Tally.Accepted == Expected.Accepted && Actual.Tally.AcceptedDigest == Expected.AcceptedDigest;

    /// <summary>Every frame the framing or the oracle rejects is in the quarantine (raw: checked chunk by chunk).</summary>
    public bool Quarantined => Shape.Framing == FuzzFraming.Raw ? Actual.OracleMismatches == 0 : Actual.Tally.Rejected == Expected.Rejected;

    public bool MemoryFlat => RssGrowth <= RssGrowthLimit;

    public bool Passed => !Crashed && Delivered && Quarantined && MemoryFlat;

    public string Summary()
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"fuzz {Shape.Name,-26} {(Passed ? "PASS" : "FAIL")}: {Expected.Frames:N0} frames ({Expected.Mutated:N0} mutated) on {Expected.Sessions:N0} connections; ");
        if (Shape.Framing == FuzzFraming.Raw)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{Actual.Tally.Accepted:N0} chunks delivered, {Actual.Tally.Rejected:N0} quarantined, {Actual.Tally.Streams:N0}/{Expected.Streams:N0} streams " +
                $"({Actual.Tally.Bytes:N0}/{Expected.Bytes:N0} bytes) {(Delivered ? "whole" : "NOT whole")}, {Actual.OracleMismatches} oracle mismatches; ");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture,
                $"delivered {Actual.Tally.Accepted:N0}/{Expected.Accepted:N0} ({(Actual.Tally.AcceptedDigest == Expected.AcceptedDigest ? "content ok" : "CONTENT DIFFERS")}), " +
                $"quarantined {Actual.Tally.Rejected:N0}/{Expected.Rejected:N0}; ");
        }

        text.Append(CultureInfo.InvariantCulture,
            $"crashes {CrashSignals + (HostAlive ? 0 : 1) + CutShort}; RSS {ProcessMemory.Mib(WarmRss)} MiB after warm-up, " +
            $"{ProcessMemory.Mib(EndRss)} MiB at end ({RssGrowth * 100:+0.0;-0.0} %), peak {ProcessMemory.Mib(PeakRss)} MiB; {Elapsed.TotalSeconds:0.0} s");
        return text.ToString();
    }

    /// <summary>Why it failed, a line each, for the lines after the summary.</summary>
    public IEnumerable<string> Details()
    {
        if (!HostAlive) yield return "  the host did not store a valid frame sent on a new connection after the run";
        if (CutShort > 0) yield return $"  {CutShort} connections were reset by ActorNet before they were written";
        foreach (string line in CrashLines) yield return "  log: " + line;
        if (!Passed)
        {
            yield return "  quarantine reasons: " + string.Join(", ", Actual.Reasons.Select(r => $"{r.Key} {r.Value}"));
            yield return $"  expected: {Expected.ToLine()}";
            yield return $"  found:    {Actual.Tally.ToLine()}";
            yield return $"  sinks kept in {Directory}";
        }
    }
}
