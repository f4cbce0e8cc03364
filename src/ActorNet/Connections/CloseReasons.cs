namespace ActorNet.Connections;

/// <summary>
/// Why ActorNet ended a connection, as the <c>reason</c> label of <c>actornet_connections_closed_total</c>: a short,
/// fixed set, so that an operator can alert on a kind (slow peers closed by frame-timeout, streams that cannot be
/// resynchronised) while the log line keeps the full sentence. A connection that its supervisor stops after too many
/// failures is counted in actornet_connection_restarts_total, not here.
/// </summary>
internal static class CloseReasons
{
    /// <summary>
    /// The kind a close's sentence starts with (<c>"frame-timeout: …"</c>) when it quarantined the partial frame under
    /// that kind rather than as truncated: a replay reads it from the recorded close to quarantine the same way.
    /// </summary>
    public static string Sentence(string kind, string detail) => $"{kind}: {detail}";

    /// <summary>Whether a recorded close <paramref name="reason"/> was a close of <paramref name="kind"/> (see <see cref="Sentence"/>).</summary>
    public static bool IsOf(string reason, string kind) =>
        reason.Length > kind.Length && reason.StartsWith(kind, StringComparison.Ordinal) && reason[kind.Length] == ':';

    /// <summary>The peer closed its end (after the last ACK, with acknowledgements on).</summary>
    public const string PeerClosed = "peer-closed";

    public const string IdleTimeout = "idle-timeout";

    /// <summary>A frame did not complete within frame-timeout.</summary>
    public const string FrameTimeout = "frame-timeout";

    /// <summary>A frame arrived slower than min-data-rate.</summary>
    public const string MinDataRate = "min-data-rate";

    /// <summary>A bad length or missing sync-marker with on-bad-length = close, or a restart that lost a partial frame.</summary>
    public const string BadFrameStart = "bad-frame-start";

    public const string TlsHandshake = "tls-handshake";

    public const string ReadError = "read-error";

    public const string WriteError = "write-error";

    /// <summary>Frames were lost before a sink stored them (with ack on, the peer resends from its last ACK).</summary>
    public const string LostFrames = "lost-frames";

    /// <summary>Closed through the admin API (<c>DELETE /api/connections/{id}</c>) or by a cluster node asked to.</summary>
    public const string Requested = "requested";

    /// <summary>ActorNet stopped, or a reload stopped the connection's source.</summary>
    public const string Stopping = "stopping";
}
