using System.Diagnostics;
using ActorNet.Protocol;
using ActorNet.Sinks;

namespace ActorNet.Benchmarks.EndToEnd;

/// <summary>
/// A blackhole that stops for a while: its first <see cref="Write"/> blocks for the stall, and every later write
/// counts and discards as <see cref="BlackholeSink"/> does. It shows what ActorNet holds while a sink is stuck (a
/// database that does not answer) and that everything is delivered once the sink moves again. It runs on a thread
/// of its own (<c>dedicated-thread = on</c>), as any sink that blocks must.
/// </summary>
public sealed class StalledSink(TimeSpan stall) : IFrameSink
{
    private long _stalledAt;

    /// <summary>Stopwatch timestamp of the first write (the start of the stall), or 0 before it.</summary>
    public long StalledAt => Interlocked.Read(ref _stalledAt);

    /// <summary>Stopwatch timestamp at which the sink resumes, or 0 before the first write.</summary>
    public long ResumesAt => StalledAt == 0 ? 0 : StalledAt + (long)(stall.TotalSeconds * Stopwatch.Frequency);

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        if (StalledAt == 0)
        {
            // Only the sink's own thread calls Write, so the first call is the only one that stalls.
            Interlocked.Exchange(ref _stalledAt, Stopwatch.GetTimestamp());
            Thread.Sleep(stall);
        }

        return accepted && rejected ? batch.Count : batch.CountSelected(accepted, rejected);
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
