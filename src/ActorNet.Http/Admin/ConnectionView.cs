using System.Text.Json.Serialization;
using ActorNet.Monitoring;

namespace ActorNet.Http.Admin;

/// <summary>One open connection in <c>GET /api/connections</c>; <paramref name="Id"/> is what <c>DELETE /api/connections/{id}</c> takes.</summary>
/// <param name="Peer">The remote end as <c>ip:port</c>.</param>
/// <param name="LastFrameAt">When the last read that produced frames completed (UTC); null before the first frame.</param>
/// <param name="ClientSubject">The subject of the TLS client certificate the peer presented; null without one.</param>
/// <param name="HeldBytes">Bytes the connection holds now (read buffers not yet acknowledged by every sink, partial frame, queued writes), bounded by max-inflight-bytes.</param>
public sealed record ConnectionView(
    long Id,
    string Source,
    string Peer,
    DateTime ConnectedAt,
    DateTime? LastFrameAt,
    long Frames,
    long Bytes,
    long Quarantined,
    long HeldBytes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientSubject = null)
{
    public static ConnectionView From(ConnectionStatus connection) => new(
        connection.Id, connection.Source, connection.Peer, connection.ConnectedAt, connection.LastFrameAt,
        connection.FramesReceived, connection.BytesReceived, connection.FramesQuarantined, connection.HeldBytes, connection.ClientSubject);
}

/// <summary>The body of <c>GET /api/connections</c>, oldest first.</summary>
public sealed record ConnectionsResponse(IReadOnlyList<ConnectionView> Connections);

/// <summary>The body of <c>202</c> from <c>DELETE /api/connections/{id}</c>: the close was requested; the connection leaves the list once it has stopped.</summary>
public sealed record ClosingResponse(long Id, string Status);
