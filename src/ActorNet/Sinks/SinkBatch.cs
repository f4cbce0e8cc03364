using ActorNet.Protocol;
using Akka.Actor;

namespace ActorNet.Sinks;

/// <summary>
/// A parsed batch as one sink sees it: which part it writes (<see cref="WriteAccepted"/>: a data sink,
/// <see cref="WriteRejected"/>: the quarantine), its <see cref="AckSlot"/> in the source's route, and whether it also
/// reports <see cref="FramesCommitted"/> (the source acknowledges peers). A value read off the batch's route when
/// the batch arrives, not a message: the batch travels alone.
/// </summary>
/// <remarks>
/// Everything a sink needs after its acknowledgement (<see cref="AckTo"/>, <see cref="AckSlot"/>, <see cref="LastSeq"/>)
/// is copied here: once acknowledged, the batch may be reused for another read (see <see cref="FrameBatch"/>).
/// </remarks>
internal readonly record struct SinkBatch(ParsedBatch Batch, bool WriteAccepted, bool WriteRejected, int AckSlot, bool WantsCommit,
    IActorRef AckTo, long LastSeq)
{
    /// <summary>The part of <paramref name="batch"/> that <paramref name="sink"/> writes; false when its route does not list it.</summary>
    public static bool TryFor(ParsedBatch batch, IActorRef sink, out SinkBatch part)
    {
        var route = batch.Route;
        var slot = route?.SlotOf(sink) ?? -1;
        if (slot < 0)
        {
            part = default;
            return false;
        }
        part = new SinkBatch(batch, route!.WritesAccepted[slot], route.WritesRejected[slot], slot, route.AcknowledgesPeers,
            batch.AckTo, batch.LastSeq);
        return true;
    }

    /// <summary>
    /// This sink is done with its part: the batch goes back to the connection as the acknowledgement. The sink's last
    /// touch of <see cref="Batch"/> (<see cref="FrameBatch.SinkFinished"/> is safe on a batch already reused).
    /// </summary>
    public void Acknowledge()
    {
        Batch.Acknowledge(AckSlot);
        // Gives the bytes of a batch whose connection already closed back to the budget once every sink is done.
        Batch.Frames.SinkFinished();
        AckTo.Tell(Batch);
    }
}
