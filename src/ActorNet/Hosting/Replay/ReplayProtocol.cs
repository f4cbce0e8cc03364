namespace ActorNet.Hosting.Replay;

/// <summary>Messages between the replay actor and its connections.</summary>
internal static class ReplayProtocol
{
    /// <summary>Read on: the next events may be due, or room came free.</summary>
    public sealed class Pump
    {
        public static readonly Pump Instance = new();
        private Pump() { }
    }

    /// <summary>One recorded read, fed to a connection as its transport would have handed it in.</summary>
    public sealed record Read(byte[] Data, DateTime At);

    /// <summary>
    /// The recorded connection closed, for the recorded <paramref name="Reason"/>: a partial frame left is quarantined as
    /// it was live (truncated, or frame-timeout / min-data-rate when that closed it).
    /// </summary>
    public sealed record Closed(DateTime At, string Reason);

    /// <summary>The recording ends without the connection's close (ActorNet was killed): stop once acknowledged.</summary>
    public sealed class Finish
    {
        public static readonly Finish Instance = new();
        private Finish() { }
    }

    /// <summary>A connection's reads whose frames every sink has acknowledged (or that made none).</summary>
    public sealed record ReadsDone(int Count);
}
