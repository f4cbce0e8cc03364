namespace ActorNet.Benchmarks.Idle;

/// <summary>Memory of the server's process before and after it accepted <see cref="Peers"/> idle connections.</summary>
public sealed record IdleResult(string Server, int Peers, long ManagedBefore, long ManagedAfter, long WorkingSetBefore, long WorkingSetAfter)
{
    public long ManagedDelta => ManagedAfter - ManagedBefore;

    public long WorkingSetDelta => WorkingSetAfter - WorkingSetBefore;

    public double ManagedBytesPerPeer => ManagedDelta / (double)Peers;

    public double WorkingSetBytesPerPeer => WorkingSetDelta / (double)Peers;
}
