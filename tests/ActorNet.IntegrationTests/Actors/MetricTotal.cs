using System.Diagnostics.Metrics;
using ActorNet.Metrics;

namespace ActorNet.IntegrationTests.Actors;

/// <summary>
/// Sums one ActorNet instrument for one source, as an operator's metrics pipeline would see it. Tests run in
/// parallel in one process, so measurements of other sources are ignored.
/// </summary>
public sealed class MetricTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public MetricTotal(string instrument, string source)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == ActorNetMetrics.MeterName && i.Name == instrument) l.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "source" && (string?)tag.Value == source)
                    Interlocked.Add(ref _total, value);
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
