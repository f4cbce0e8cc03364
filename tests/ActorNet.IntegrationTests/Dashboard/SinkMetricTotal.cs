using System.Diagnostics.Metrics;
using ActorNet.Metrics;

namespace ActorNet.IntegrationTests.Dashboard;

/// <summary>Sums one ActorNet instrument for one sink (tests run in parallel: other sinks' measurements are ignored).</summary>
public sealed class SinkMetricTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public SinkMetricTotal(string instrument, string sink)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == ActorNetMetrics.MeterName && i.Name == instrument) l.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "sink" && (string?)tag.Value == sink)
                    Interlocked.Add(ref _total, value);
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
