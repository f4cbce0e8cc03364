using ActorNet.Pipeline;

namespace ActorNet.Sinks;

/// <summary>Counts records and discards them: measures everything but storage (benchmarks).</summary>
public sealed class BlackholeSink : IFrameSink
{
    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        if (accepted && rejected) return batch.Count;
        var rejectedCount = 0;
        if (batch.Rejections is { } rejections)
            foreach (var r in rejections)
                if (r is not null) rejectedCount++;
        return (accepted ? batch.Count - rejectedCount : 0) + (rejected ? rejectedCount : 0);
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
