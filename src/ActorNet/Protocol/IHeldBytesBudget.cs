namespace ActorNet.Protocol;

/// <summary>
/// Where the bytes of a batch whose owner stopped before its sinks were done with it go back
/// (<see cref="FrameBatch.Orphan"/>): the process budget (actornet.max-buffered-bytes), which keeps counting them
/// until then, so that what closed connections left with a stalled sink still holds the others back.
/// </summary>
internal interface IHeldBytesBudget
{
    /// <summary>The sinks are done with an orphaned batch of <paramref name="bytes"/>; called once per batch, from a sink's thread.</summary>
    void ReleaseOrphaned(int bytes);
}
