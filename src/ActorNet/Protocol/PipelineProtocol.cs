using Akka.Actor;
using Akka.Event;

namespace ActorNet.Protocol;

/// <summary>
/// A parsed batch addressed to one sink, telling it which part it writes. <see cref="AckSlot"/> is the
/// sink's position in the source's sink list, echoed back in <see cref="FramesAcknowledged"/>.
/// </summary>
/// <see cref="WantsCommit"/>: the source acknowledges peers, so the sink also reports <see cref="FramesCommitted"/>.
public sealed record SinkBatch(ParsedBatch Batch, bool WriteAccepted, bool WriteRejected, int AckSlot, IActorRef AckTo, bool WantsCommit = false);

/// <summary>
/// A sink has written (or spooled, or for a quarantine, handled) the batch <see cref="FirstSeq"/>..<see cref="UpToSeq"/>
/// of a connection. A sink acknowledges a connection's batches in order, so a <see cref="FirstSeq"/> past the last
/// acknowledged seq + 1 means batches were lost on the way (a sink or parser restarted). Acknowledgements for a
/// connection that already closed are expected, hence no dead-letter logging.
/// </summary>
public sealed record FramesAcknowledged(int AckSlot, long FirstSeq, long UpToSeq) : INotInfluenceReceiveTimeout, IDeadLetterSuppression;

/// <summary>
/// A sink has made every frame of a connection up to <see cref="UpToSeq"/> durable (committed, fsynced, or spooled
/// and fsynced); only for sources with ack.enabled. Can come later than <see cref="FramesAcknowledged"/> (a jsonl
/// sink commits at its next flush).
/// </summary>
public sealed record FramesCommitted(int AckSlot, long UpToSeq) : INotInfluenceReceiveTimeout, IDeadLetterSuppression;

/// <summary>Sent by a connection to its parser; the parser replies nothing and forwards to the sinks.</summary>
public sealed record ParseFrames(FrameBatch Batch, IActorRef AckTo);
