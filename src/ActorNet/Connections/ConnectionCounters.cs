using ActorNet.Metrics;
using ActorNet.Monitoring;

namespace ActorNet.Connections;

/// <summary>
/// A connection's events, each recorded in one call everywhere it is shown: the source's metrics, the connection's
/// and the source's operational views (admin API, dashboard). Frames and bytes in flight are reported by the
/// difference since the last report, which lives in <see cref="ConnectionState"/> so that a restart neither loses
/// nor repeats it. Only the connection's current incarnation calls it.
/// </summary>
internal sealed class ConnectionCounters(ConnectionState state, KeyValuePair<string, object?> sourceTag)
{
    private ConnectionStatus Status => state.Status;
    private SourceStatus Source => state.Source;

    public void Opened()
    {
        Source.Owner.Opened(Status);
        Source.Accepted();
        ActorNetMetrics.ConnectionsActive.Add(1, sourceTag);
        ActorNetMetrics.ConnectionsAccepted.Add(1, sourceTag);
    }

    public void Restarted()
    {
        ActorNetMetrics.ConnectionRestarts.Add(1, sourceTag);
        Source.ConnectionRestarted();
    }

    /// <summary>ActorNet ends the connection, for <paramref name="reason"/> (one of <see cref="CloseReasons"/>).</summary>
    public void Closing(string reason) => ActorNetMetrics.ConnectionsClosed.Add(1, sourceTag, ActorNetMetrics.Reason(reason));

    /// <summary>The connection is gone: it is no longer shown, and what it had in flight no longer counts.</summary>
    public void Closed(long id)
    {
        ActorNetMetrics.ConnectionsActive.Add(-1, sourceTag);
        Source.Owner.Closed(id);
        Inflight(0, 0);
    }

    public void Read(int bytes)
    {
        ActorNetMetrics.BytesReceived.Add(bytes, sourceTag);
        ActorNetMetrics.SocketReads.Add(1, sourceTag);
        Status.Read(bytes);
        Source.Received(0, bytes);
    }

    public void Framed(int frames, DateTime receivedAt)
    {
        ActorNetMetrics.FramesReceived.Add(frames, sourceTag);
        Status.Framed(frames, receivedAt);
        Source.Received(frames, 0);
    }

    public void AckSent(long upTo)
    {
        Status.Acked(upTo);
        ActorNetMetrics.AcksSent.Add(1, sourceTag);
    }

    /// <summary>Frames not yet acknowledged by every sink, and bytes held (see <see cref="InflightBytes"/>).</summary>
    public void Inflight(long frames, long heldBytes)
    {
        if (frames != state.ReportedInflight)
        {
            ActorNetMetrics.InflightFrames.Add(frames - state.ReportedInflight, sourceTag);
            state.ReportedInflight = frames;
        }
        if (heldBytes == state.ReportedHeldBytes) return;
        ActorNetMetrics.InflightBytes.Add(heldBytes - state.ReportedHeldBytes, sourceTag);
        Source.Held(heldBytes - state.ReportedHeldBytes);
        Status.Held(heldBytes);
        state.ReportedHeldBytes = heldBytes;
    }
}
