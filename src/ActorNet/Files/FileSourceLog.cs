using Microsoft.Extensions.Logging;

namespace ActorNet.Files;

/// <summary>
/// The log events of file sources (through the ActorNet.Listener logger: a file source plays the listener's part) and
/// of their files' tails (ActorNet.Connection), with their structured properties.
/// </summary>
internal static partial class FileSourceLog
{
    [LoggerMessage(EventId = 140, Level = LogLevel.Information, Message = "Source {Source} following {Path} (checkpoint {Checkpoint})")]
    public static partial void FollowingPath(this ILogger log, string source, string path, string checkpoint);

    [LoggerMessage(EventId = 141, Level = LogLevel.Information,
        Message = "Source {Source} follows {Peer} (file {File}) as connection {ConnectionId} from offset {Offset}, seq {Seq}")]
    public static partial void FollowingFile(this ILogger log, string source, string peer, string file, long connectionId, long offset, long seq);

    [LoggerMessage(EventId = 142, Level = LogLevel.Information,
        Message = "Source {Source}: {Peer} (file {File}) is no longer at the path; reading it to its end (connection {ConnectionId})")]
    public static partial void Unfollowing(this ILogger log, string source, string peer, string file, long connectionId);

    [LoggerMessage(EventId = 143, Level = LogLevel.Warning,
        Message = "Source {Source}: {Peer} shrank to {Length} bytes below the position read, {Position} (copy-truncate); reading it again from 0")]
    public static partial void Truncated(this ILogger log, string source, string peer, long length, long position);

    [LoggerMessage(EventId = 144, Level = LogLevel.Information,
        Message = "Source {Source}: stopped following {Peer} (connection {ConnectionId}): {Reason}")]
    public static partial void StoppedFollowing(this ILogger log, string source, string peer, long connectionId, string reason);

    [LoggerMessage(EventId = 145, Level = LogLevel.Warning, Message = "Source {Source} cannot open {Path}: {Reason}; trying again at the next scan")]
    public static partial void CannotOpen(this ILogger log, string source, string path, string reason);

    [LoggerMessage(EventId = 146, Level = LogLevel.Error,
        Message = "Source {Source} cannot write its checkpoint {Checkpoint}: {Reason}; a restart would read again what was committed since the last one")]
    public static partial void CheckpointNotSaved(this ILogger log, Exception exception, string source, string checkpoint, string reason);

    [LoggerMessage(EventId = 147, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} ({Peer}) on source {Source} restarted after {Error}; reading again from offset {Offset}")]
    public static partial void TailRestarted(this ILogger log, Exception exception, long connectionId, string peer, string source, string error, long offset);
}
