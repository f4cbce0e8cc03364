namespace ActorNet.Protocol;

/// <summary>
/// Where the bytes of a batch whose owner stopped before its sinks were done with it go back
/// (<see cref="FrameBatch.Orphan"/>): the process budget (actornet.max-buffered-bytes), which keeps counting them
/// until then, so that what closed connections left with a stalled sink still holds the others back.
/// </summary>
internal interface IHeldBytesBudget
{
    /// <summary><paramref name="orphan"/> is counted until it is given back; told before it can be.</summary>
    void Holds(FrameBatch orphan);

    /// <summary>The sinks are done with <paramref name="orphan"/>; called once per orphan, from any thread.</summary>
    void ReleaseOrphaned(FrameBatch orphan);
}
