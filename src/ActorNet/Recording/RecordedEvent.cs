namespace ActorNet.Recording;

/// <summary>One record read back from a recording.</summary>
/// <param name="Source">The source whose connection it happened on (from the file header).</param>
/// <param name="At">When it happened (UTC): for a read, the receivedAt its frames got.</param>
/// <param name="Data">The bytes read or written, the close reason, or for an open ActorNet's own "address:port" (UTF-8).</param>
public sealed record RecordedEvent(string Source, RecordKind Kind, DateTime At, long ConnectionId, string Peer, byte[] Data)
{
    /// <summary>For an open: the subject of the TLS client certificate the peer presented; null without one (and for other kinds).</summary>
    public string? ClientSubject { get; init; }

    /// <summary>For an open: the peer sends datagrams (a udp source's sender), not a TCP stream; false for other kinds.</summary>
    public bool Datagrams { get; init; }
}
