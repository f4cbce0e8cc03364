using Akka.Actor;

namespace ActorNet.Pipeline;

/// <summary>
/// The sinks one source feeds, in a fixed order: slot <c>i</c> of every acknowledgement refers to
/// <see cref="Sinks"/>[i]. The quarantine sink is one of the slots (it may also be a data sink).
/// </summary>
public sealed class SourceRoute
{
    public SourceRoute(IReadOnlyList<IActorRef> sinks, IReadOnlyList<bool> writesAccepted, IReadOnlyList<bool> writesRejected,
        bool acknowledgesPeers = false)
    {
        AcknowledgesPeers = acknowledgesPeers;
        Sinks = sinks;
        WritesAccepted = writesAccepted;
        WritesRejected = writesRejected;
    }

    public IReadOnlyList<IActorRef> Sinks { get; }
    public IReadOnlyList<bool> WritesAccepted { get; }
    public IReadOnlyList<bool> WritesRejected { get; }
    public int Count => Sinks.Count;

    /// <summary>ack.enabled: sinks report commits, so that connections can write <c>ACK n</c>.</summary>
    public bool AcknowledgesPeers { get; }
}
