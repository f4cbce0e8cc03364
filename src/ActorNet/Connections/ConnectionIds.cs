namespace ActorNet.Connections;

/// <summary>Connection ids: unique in the process, never reused, shared by accepted and outbound connections.</summary>
internal static class ConnectionIds
{
    private static long _last;

    public static long Next() => Interlocked.Increment(ref _last);

    /// <summary>
    /// In a cluster the admin API of any node closes a connection of any node by its id: each node then counts from a
    /// random multiple of 2^32 (below 2^52, so ids stay exact in JSON), which makes two nodes' ids collide with a
    /// chance of about one in a million per pair of nodes rather than at once.
    /// </summary>
    public static void StartInRandomBlock()
    {
        var block = (long)Random.Shared.Next(1, 1 << 20) << 32;
        var current = Interlocked.Read(ref _last);
        if (current < 1L << 32) Interlocked.CompareExchange(ref _last, block + current, current);
    }
}
