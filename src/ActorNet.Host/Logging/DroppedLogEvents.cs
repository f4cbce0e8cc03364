using System.Diagnostics.Metrics;
using ActorNet.Metrics;
using Serilog.Sinks.Async;

namespace ActorNet.Host.Logging;

/// <summary>
/// Counts, as <c>actornet.log.events.dropped{output}</c>, the events an output's background writer dropped because
/// <c>log.queue-size</c> events were already waiting: a slow terminal, a full pipe to journald or a slow disk then
/// costs log lines, never a held-up connection, and never silently. One instance per output.
/// </summary>
internal sealed class DroppedLogEvents : IAsyncLogEventSinkMonitor
{
    private static readonly Lock Gate = new();
    private static readonly List<(string Output, IAsyncLogEventSinkInspector Inspector)> Watched = [];

    // What the writers of loggers already disposed dropped: a counter never goes down.
    private static readonly Dictionary<string, long> Retired = new(StringComparer.Ordinal);

    private static readonly ObservableCounter<long> Counter = ActorNetMetrics.Meter.CreateObservableCounter(
        "actornet.log.events.dropped", Observe, "{event}", "Log events dropped because log.queue-size events were already waiting to be written");

    private readonly string _output;

    /// <param name="output"><c>console</c> or <c>file</c>: the label of the series.</param>
    public DroppedLogEvents(string output)
    {
        _output = output;
        // Published with the first output, so that the series exists (at 0) before anything is dropped.
        _ = Counter;
    }

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector)
    {
        lock (Gate)
        {
            Watched.Add((_output, inspector));
            Retired.TryAdd(_output, 0);
        }
    }

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector)
    {
        lock (Gate)
        {
            if (Watched.RemoveAll(w => ReferenceEquals(w.Inspector, inspector)) > 0) Retired[_output] += inspector.DroppedMessagesCount;
        }
    }

    private static Measurement<long>[] Observe()
    {
        lock (Gate)
        {
            return Retired.Select(r => new Measurement<long>(
                r.Value + Watched.Where(w => w.Output == r.Key).Sum(w => w.Inspector.DroppedMessagesCount),
                new KeyValuePair<string, object?>("output", r.Key))).ToArray();
        }
    }
}
