namespace ActorNet.Framing;

/// <summary>What <see cref="IFrameDecoder.Decode"/> found at the start of the buffer.</summary>
public enum DecodeStatus : byte
{
    /// <summary>No complete frame yet; nothing was consumed. Read more bytes and call again.</summary>
    NeedMoreData,

    /// <summary>A frame: <c>frame</c> holds its payload and the buffer was advanced past it.</summary>
    Frame,

    /// <summary>
    /// Bytes of a frame that is being thrown away (too long) were consumed; <c>frame</c> holds them so the
    /// caller can keep a bounded prefix for quarantine. The frame's end has not been seen yet.
    /// </summary>
    Discarding,

    /// <summary>
    /// The end of a bad frame was reached and consumed; <c>frame</c> holds its last bytes and <c>error</c>
    /// says what was wrong. The stream is in sync again: keep decoding.
    /// </summary>
    Rejected,

    /// <summary>
    /// The stream cannot be resynchronised (a length field is negative or too large): <c>error</c> says why and
    /// <c>frame</c> holds the offending header bytes. Nothing was consumed; the caller must close the peer.
    /// </summary>
    Fatal,
}
