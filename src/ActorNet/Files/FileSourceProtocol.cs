using ActorNet.IO;
using Akka.Actor;

namespace ActorNet.Files;

/// <summary>Messages between a file source (<see cref="FileSourceActor"/>) and the tails of its files (<see cref="FileTailActor"/>).</summary>
internal static class FileSourceProtocol
{
    /// <summary>Time to look for new files, and for files that are no longer there.</summary>
    public sealed class Scan
    {
        public static readonly Scan Instance = new();
        private Scan() { }
    }

    /// <summary>Time for a tail to look for new bytes in its file (and for a rotated file, whether it is finished).</summary>
    public sealed class Poll : INotInfluenceReceiveTimeout
    {
        public static readonly Poll Instance = new();
        private Poll() { }
    }

    /// <summary>
    /// The source's path no longer names this file (renamed away by a rotation, or removed): read it to its end, quarantine
    /// a partial last frame as truncated, wait for the sinks to commit, and stop.
    /// </summary>
    public sealed class Unfollow
    {
        public static readonly Unfollow Instance = new();
        private Unfollow() { }
    }

    /// <summary>Every sink committed file <see cref="File"/> up to <see cref="Position"/>: the source writes its checkpoint.</summary>
    public sealed record Committed(FileIdentity File, FilePosition Position);

    /// <summary>
    /// Told to the source just before a tail stops. <see cref="Finished"/>: the file was read to its end after it was
    /// unfollowed, so its checkpoint entry goes; otherwise the entry stays and the next scan follows the file again from it,
    /// unless <see cref="GiveUp"/>: the file cannot be framed past a point, so it is not followed again while it stays at the path.
    /// </summary>
    public sealed record TailStopped(FileIdentity File, bool Finished, bool GiveUp, string Reason);

    /// <summary>A read of a tail completed; <see cref="Generation"/> tells a read the failed incarnation started.</summary>
    public sealed record ReadCompleted(int Generation, byte[] Buffer, int Offset, int Count);

    public sealed record ReadFailed(int Generation, Exception Cause);

    /// <summary>ack.final-wait passed while a stopping tail waited for the sinks' commits.</summary>
    public sealed class FinalCommitTimeout
    {
        public static readonly FinalCommitTimeout Instance = new();
        private FinalCommitTimeout() { }
    }
}
