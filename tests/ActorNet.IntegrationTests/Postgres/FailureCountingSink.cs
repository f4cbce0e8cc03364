using ActorNet.Protocol;
using ActorNet.Sinks;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>Passes everything to the sink it wraps and reports each failed write, so a test can await the first.</summary>
public sealed class FailureCountingSink(IFrameSink inner, Action onFailure) : IFrameSink
{
    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        try
        {
            return inner.Write(batch, accepted, rejected);
        }
        catch
        {
            onFailure();
            throw;
        }
    }

    public void Flush() => inner.Flush();

    public void Dispose() => inner.Dispose();
}
