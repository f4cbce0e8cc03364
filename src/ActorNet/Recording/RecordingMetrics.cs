using System.Diagnostics.Metrics;
using ActorNet.Metrics;

namespace ActorNet.Recording;

/// <summary>The recording's instruments on the <c>ActorNet</c> meter, labelled by source (and reason).</summary>
internal static class RecordingMetrics
{
    public static readonly Counter<long> Dropped =
        ActorNetMetrics.Meter.CreateCounter<long>("actornet.record.dropped", "{record}",
            "Records not written to a source's recording (reason: behind = the writer fell buffer bytes behind, io-error = the files could not be written, too-large)");

    public static readonly Counter<long> WrittenBytes =
        ActorNetMetrics.Meter.CreateCounter<long>("actornet.record.written.bytes", "By", "Bytes written to recording files");

    public static readonly KeyValuePair<string, object?> Behind = ActorNetMetrics.Reason("behind");
    public static readonly KeyValuePair<string, object?> IoError = ActorNetMetrics.Reason("io-error");
    public static readonly KeyValuePair<string, object?> TooLarge = ActorNetMetrics.Reason("too-large");
}
