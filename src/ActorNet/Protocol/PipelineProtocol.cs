using Akka.Actor;
using Akka.Event;

namespace ActorNet.Protocol;

/// <summary>
/// A sink has made every frame of a connection up to <see cref="UpToSeq"/> durable (committed, fsynced, or spooled
/// and fsynced); only for sources with ack.enabled. Can come later than the acknowledgement (<see cref="ParsedBatch"/>; a jsonl
/// sink commits at its next flush).
/// </summary>
public sealed record FramesCommitted(int AckSlot, long UpToSeq) : INotInfluenceReceiveTimeout, IDeadLetterSuppression;
