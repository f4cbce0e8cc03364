using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorNet.Metrics;

namespace ActorNet.Monitoring;

/// <summary>
/// The states of sources and sinks, and the sinks' spool sizes, as instruments of the <c>ActorNet</c> meter, read
/// from the <see cref="ActorNetStatus"/> of every instance running in the process at each collection. Alerts need
/// them as series ("a sink cannot write", "a feed is down"); the status view already holds them, so they are observed
/// here rather than counted a second time by the actors.
/// </summary>
/// <remarks>
/// A state is exported the way OpenMetrics writes a state set: one series per possible state, 1 for the one the
/// source or sink is in and 0 for the others, so that <c>actornet_sink_state{state="writing"} == 0</c> holds for a
/// sink that is starting, failing or stopped, and no series appears or vanishes when a state changes.
/// </remarks>
internal static class StatusMetrics
{
    private static readonly string[] SinkStateValues = [SinkStates.Starting, SinkStates.Writing, SinkStates.Failing, SinkStates.Stopped];

    private static readonly string[] SourceStateValues =
    [
        SourceStates.Starting, SourceStates.Listening, SourceStates.Connecting, SourceStates.Connected,
        SourceStates.BackingOff, SourceStates.GaveUp, SourceStates.Draining, SourceStates.Stopped,
    ];

    private static readonly ConcurrentDictionary<ActorNetStatus, byte> Running = new();

    public static readonly ObservableGauge<long> SinkState =
        ActorNetMetrics.Meter.CreateObservableGauge("actornet.sink.state", ObserveSinkStates, unit: null,
            "1 for the state a sink is in (state: starting, writing, failing, stopped), 0 for the others");

    public static readonly ObservableGauge<long> SinkSpoolBytes =
        ActorNetMetrics.Meter.CreateObservableGauge("actornet.sink.spool.bytes", ObserveSpools, "By",
            "Bytes in a sink's on-disk spool: batches waiting to be written (0 without a spool)");

    public static readonly ObservableGauge<long> SourceState =
        ActorNetMetrics.Meter.CreateObservableGauge("actornet.source.state", ObserveSourceStates, unit: null,
            "1 for the state a source is in (state: starting, listening, connecting, connected, backing-off, gave-up, draining, stopped), 0 for the others");

    /// <summary>Observes an instance's sources and sinks until <see cref="Forget"/> (several instances may share a process).</summary>
    public static void Observe(ActorNetStatus status) => Running[status] = 0;

    public static void Forget(ActorNetStatus status) => Running.TryRemove(status, out _);

    private static IEnumerable<Measurement<long>> ObserveSinkStates()
    {
        foreach (var status in Running.Keys)
        {
            foreach (var sink in status.Sinks)
            {
                var state = sink.State;
                foreach (var value in SinkStateValues)
                    yield return new Measurement<long>(value == state ? 1 : 0, ActorNetMetrics.Sink(sink.Name), State(value));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveSpools()
    {
        foreach (var status in Running.Keys)
        {
            foreach (var sink in status.Sinks)
                yield return new Measurement<long>(sink.SpoolBytes, ActorNetMetrics.Sink(sink.Name));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveSourceStates()
    {
        foreach (var status in Running.Keys)
        {
            foreach (var source in status.Sources)
            {
                var state = source.State;
                foreach (var value in SourceStateValues)
                    yield return new Measurement<long>(value == state ? 1 : 0, ActorNetMetrics.Source(source.Name), State(value));
            }
        }
    }

    private static KeyValuePair<string, object?> State(string value) => new("state", value);
}
