using System.Diagnostics;
using ActorNet.Protocol;
using ActorNet.Sinks;

namespace ActorNet.Benchmarks.Latency;

/// <summary>
/// A sink that records, per frame, when its <see cref="Write"/> was called, against two earlier moments:
/// <list type="bullet">
/// <item>read→sink: <see cref="FrameBatch.ReceivedAt"/>, the <c>DateTime.UtcNow</c> ActorNet takes as the socket
/// read completes (ConnectionActor), against <c>DateTime.UtcNow</c> here. ActorNet keeps no monotonic stamp of the
/// read, so this one is wall-clock (CLOCK_REALTIME, 100 ns ticks); an NTP step during a run would show as
/// negative values, which are counted, not recorded.</item>
/// <item>send→sink: the peer's <see cref="SendStamp"/> (CLOCK_MONOTONIC, in the load generator's process) against
/// <see cref="Stopwatch.GetTimestamp"/> here.</item>
/// </list>
/// Every frame of a batch shares its read time, so read→sink is recorded once per batch with the batch's frame
/// count: the percentiles are per frame. Nothing is allocated per batch or frame.
/// </summary>
public sealed class LatencySink : IFrameSink
{
    private readonly LatencyRecorder _recorder;

    public LatencySink(LatencyRecorder recorder)
    {
        _recorder = recorder;
    }

    public int Write(ParsedBatch batch, bool accepted, bool rejected)
    {
        long now = Stopwatch.GetTimestamp();
        DateTime nowUtc = DateTime.UtcNow;
        bool steady = now >= _recorder.SteadyFrom;
        int written = 0;
        int unstamped = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch.IsRejected(i) ? !rejected : !accepted)
            {
                continue;
            }

            written++;
            if (batch.IsRejected(i) || !SendStamp.TryRead(batch.Payload(i).Span, out long sentAt))
            {
                unstamped++;
                continue;
            }

            _recorder.RecordSendToSink(now - sentAt, steady);
        }

        _recorder.RecordReadToSink((nowUtc - batch.Frames.ReceivedAt).Ticks * 100, written, steady, now);
        _recorder.AddFrames(written, unstamped, now);
        return written;
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
