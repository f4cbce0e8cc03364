using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// What this process allocates, by type: the runtime's GC AllocationTick events (one per ~100 KB allocated, naming the
/// type of the object that crossed the mark), summed per type. A sample, not a count: it says where the bytes per
/// datagram come from, not exactly how many each type takes. Enabling the events costs little, but it is off unless asked.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    /// <summary>Starts summing from now (events before are ignored).</summary>
    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], CultureInfo.InvariantCulture) : 0;
        lock (_bytesByType) _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }

    /// <summary>The <paramref name="top"/> types with the most bytes sampled, with their share.</summary>
    public string Report(int top = 12)
    {
        KeyValuePair<string, long>[] rows;
        lock (_bytesByType) rows = _bytesByType.OrderByDescending(r => r.Value).ToArray();
        var total = Math.Max(1, rows.Sum(r => r.Value));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"allocations sampled (GC AllocationTick, ~100 KB each), {total / 1024.0 / 1024:0.0} MiB in all, top {top} types:\n");
        foreach (var (type, bytes) in rows.Take(top))
            text.Append(CultureInfo.InvariantCulture, $"  {bytes * 100.0 / total,5:0.0} %  {type}\n");
        return text.ToString();
    }
}
