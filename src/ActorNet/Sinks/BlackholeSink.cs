using ActorNet.Protocol;

namespace ActorNet.Sinks;

/// <summary>Counts records and discards them: measures everything but storage (benchmarks).</summary>
public sealed class BlackholeSink : IFrameSink
{
    public int Write(ParsedBatch batch, bool accepted, bool rejected) =>
        accepted && rejected ? batch.Count : batch.CountSelected(accepted, rejected);

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
