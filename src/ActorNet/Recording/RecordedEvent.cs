namespace ActorNet.Recording;

/// <summary>One record read back from a recording.</summary>
/// <param name="Source">The source whose connection it happened on (from the file header).</param>
/// <param name="At">When it happened (UTC): for a read, the receivedAt its frames got.</param>
public sealed record RecordedEvent(string Source, RecordKind Kind, DateTime At, long ConnectionId, string Peer, byte[] Data);
