namespace ActorNet.Connections;

/// <summary>Connection ids: unique in the process, never reused, shared by accepted and outbound connections.</summary>
internal static class ConnectionIds
{
    private static long _last;

    public static long Next() => Interlocked.Increment(ref _last);
}
