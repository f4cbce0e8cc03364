using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ActorNet.Metrics;

/// <summary>
/// The one <see cref="Meter"/> named <c>ActorNet</c> (seen by dotnet-counters and OpenTelemetry). Labels are
/// source, sink and reason names only: never a per-connection value, whose cardinality has no bound.
/// Instruments are updated once per batch, not per frame.
/// </summary>
public static class ActorNetMetrics
{
    public const string MeterName = "ActorNet";

    public static readonly Meter Meter = new(MeterName);

    public static readonly UpDownCounter<long> ConnectionsActive =
        Meter.CreateUpDownCounter<long>("actornet.connections.active", "{connection}", "Open connections");

    public static readonly Counter<long> ConnectionsAccepted =
        Meter.CreateCounter<long>("actornet.connections.accepted", "{connection}", "Connections accepted");

    public static readonly Counter<long> ConnectionsRejected =
        Meter.CreateCounter<long>("actornet.connections.rejected", "{connection}",
            "Connections refused (reason: max-connections, or fd-limit when the process's file descriptors are taken)");

    public static readonly Counter<long> OtlpExportProblems =
        Meter.CreateCounter<long>("actornet.otlp.export.problems", "{report}",
            "Problems the OpenTelemetry SDK reported while exporting to the OTLP collector (warnings and errors of its EventSources)");

    public static readonly Counter<long> ConnectionsClosed =
        Meter.CreateCounter<long>("actornet.connections.closed", "{connection}",
            "Connections ActorNet ended, by reason (peer-closed, idle-timeout, frame-timeout, min-data-rate, bad-frame-start, tls-handshake, read-error, write-error, lost-frames, requested, stopping)");

    public static readonly Counter<long> AcceptFailures =
        Meter.CreateCounter<long>("actornet.accept.failures", "{failure}",
            "Accepts that failed (reason: fd-limit for EMFILE/ENFILE, socket-error otherwise); the listener pauses, then retries");

    public static readonly Counter<long> ConnectionRestarts =
        Meter.CreateCounter<long>("actornet.connection.restarts", "{restart}", "Connection actors restarted after a failure");

    public static readonly Counter<long> Reconnects =
        Meter.CreateCounter<long>("actornet.reconnects", "{reconnect}", "Outbound feed connections lost and retried");

    public static readonly Counter<long> FramesReceived =
        Meter.CreateCounter<long>("actornet.frames.received", "{frame}", "Frames cut from the byte stream, rejected ones included");

    public static readonly Counter<long> BytesReceived =
        Meter.CreateCounter<long>("actornet.bytes.received", "By", "Bytes read from sockets");

    public static readonly Counter<long> SocketReads =
        Meter.CreateCounter<long>("actornet.socket.reads", "{read}", "Socket reads that returned data (bytes.received / this = bytes per read)");

    public static readonly Counter<long> FramesQuarantined =
        Meter.CreateCounter<long>("actornet.frames.quarantined", "{frame}", "Frames sent to quarantine, by reason");

    public static readonly Counter<long> SinkFramesWritten =
        Meter.CreateCounter<long>("actornet.sink.frames.written", "{frame}", "Records written by a sink");

    public static readonly Counter<long> SinkWriteFailures =
        Meter.CreateCounter<long>("actornet.sink.write.failures", "{failure}", "Sink writes that failed and will be retried");

    public static readonly UpDownCounter<long> InflightFrames =
        Meter.CreateUpDownCounter<long>("actornet.inflight.frames", "{frame}", "Frames read but not yet acknowledged by every sink");

    public static readonly UpDownCounter<long> InflightBytes =
        Meter.CreateUpDownCounter<long>("actornet.inflight.bytes", "By",
            "Bytes held by connections for frames in flight: read buffers not yet acknowledged by every sink, partial frames, queued writes (max-inflight-bytes)");

    public static readonly UpDownCounter<long> InflightBytesLimit =
        Meter.CreateUpDownCounter<long>("actornet.inflight.bytes.limit", "By",
            "max-inflight-bytes of a source: the bytes one of its connections may hold before it stops reading (per connection, not summed over them)");

    // The process budgets of the ActorNet instances running now. Observed at each scrape rather than counted up and
    // down: an exporter that starts after an instance would otherwise be off by that instance for good.
    private static readonly ConcurrentDictionary<object, Func<(long Held, long Limit)>> Budgets = new();

    public static readonly ObservableGauge<long> BufferedBytes =
        Meter.CreateObservableGauge("actornet.buffered.bytes", () => Budgets.Values.Sum(read => read().Held), "By",
            "Bytes held by all connections of the process together, reads under way included (what actornet.max-buffered-bytes bounds)");

    public static readonly ObservableGauge<long> BufferedBytesLimit =
        Meter.CreateObservableGauge("actornet.buffered.bytes.limit", () => Budgets.Values.Sum(read => read().Limit), "By",
            "actornet.max-buffered-bytes of every ActorNet instance running in the process, summed");

    public static readonly Counter<long> ReadsPaused =
        Meter.CreateCounter<long>("actornet.reads.paused", "{pause}",
            "Times a connection stopped reading because its next read did not fit in a budget (reason: process-budget)");

    public static readonly Histogram<double> SinkWriteSeconds =
        Meter.CreateHistogram<double>("actornet.sink.write", "s", "Time a sink took to write one batch (successful writes)");

    public static readonly UpDownCounter<long> SinkBacklogFrames =
        Meter.CreateUpDownCounter<long>("actornet.sink.backlog.frames", "{frame}",
            "Frames a sink has taken but not yet written: spooled on disk or held while it cannot write");

    public static readonly Counter<long> SinkDroppedRecords =
        Meter.CreateCounter<long>("actornet.sink.dropped", "{record}",
            "Records a subscriber sink (websocket) dropped for a subscriber that could not keep up; never a storage sink");

    public static readonly Counter<long> AcksSent =
        Meter.CreateCounter<long>("actornet.acks.sent", "{ack}", "ACK n messages written back to peers (ack.enabled)");

    public static readonly Counter<long> ConfigReloads =
        Meter.CreateCounter<long>("actornet.config.reloads", "{reload}",
            "Reloads of the configuration file (SIGHUP, POST /api/reload), by result: applied, or rejected (the file was invalid, or there is none)");

    /// <summary>Adds an instance's process budget to actornet.buffered.bytes and its limit, until <see cref="ForgetBudget"/>.</summary>
    internal static void ObserveBudget(object budget, Func<(long Held, long Limit)> read) => Budgets[budget] = read;

    internal static void ForgetBudget(object budget) => Budgets.TryRemove(budget, out _);

    public static KeyValuePair<string, object?> Source(string name) => new("source", name);
    public static KeyValuePair<string, object?> Sink(string name) => new("sink", name);
    public static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);
}
