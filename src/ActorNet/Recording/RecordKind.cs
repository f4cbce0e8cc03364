namespace ActorNet.Recording;

/// <summary>What one record of a recording says happened on a connection.</summary>
public enum RecordKind : byte
{
    /// <summary>
    /// The connection opened (a TLS one: its handshake done); read back, the data is ActorNet's end of it ("address:port"),
    /// in UTF-8, and <see cref="RecordedEvent.ClientSubject"/> the client certificate's subject (on disk: <see cref="RecordingFormat"/>).
    /// </summary>
    Open = 1,

    /// <summary>A read from the peer: its bytes exactly as one receive returned them.</summary>
    In = 2,

    /// <summary>A write to the peer (reply, ACK, heartbeat, on-connect, send): its bytes as handed to one send.</summary>
    Out = 3,

    /// <summary>The connection closed; the data is the reason, in UTF-8.</summary>
    Close = 4,
}
