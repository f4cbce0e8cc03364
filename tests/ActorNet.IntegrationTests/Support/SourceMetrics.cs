using System.Diagnostics.Metrics;
using ActorNet.Metrics;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// Sums the measurements of ActorNet's counters for one source, per instrument and per <c>reason</c> tag, as an
/// operator's metrics pipeline would. Tests run in parallel in one process and the meter is static, so each
/// test gives its source a unique name and measurements of other sources are ignored.
/// </summary>
public sealed class SourceMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _source;
    private readonly Dictionary<(string Instrument, string? Reason), long> _totals = new();
    private readonly Lock _lock = new();

    public SourceMetrics(string source)
    {
        _source = source;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorNetMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>The sum over every reason.</summary>
    public long Total(string instrument)
    {
        lock (_lock) return _totals.Where(kv => kv.Key.Instrument == instrument).Sum(kv => kv.Value);
    }

    public long Total(string instrument, string reason)
    {
        lock (_lock) return _totals.GetValueOrDefault((instrument, reason));
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? source = null, reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "source") source = tag.Value as string;
            else if (tag.Key == "reason") reason = tag.Value as string;
        }
        if (source != _source) return;
        lock (_lock) _totals[(instrument.Name, reason)] = _totals.GetValueOrDefault((instrument.Name, reason)) + value;
    }
}
