using Akka.Actor;

namespace ActorNet.Protocol;

/// <summary>
/// The sinks one source feeds, in a fixed order: slot <c>i</c> of every acknowledgement refers to
/// <see cref="Sinks"/>[i]. The quarantine sink is one of the slots (it may also be a data sink).
/// </summary>
public sealed class SourceRoute
{
    /// <summary>At most this many sinks per source (the quarantine counts): acknowledgements are one bit per slot.</summary>
    public const int MaxSlots = 64;

    public SourceRoute(IReadOnlyList<IActorRef> sinks, IReadOnlyList<bool> writesAccepted, IReadOnlyList<bool> writesRejected,
        bool acknowledgesPeers = false)
    {
        if (sinks.Count > MaxSlots)
            throw new ArgumentOutOfRangeException(nameof(sinks), sinks.Count, $"a source feeds at most {MaxSlots} sinks");
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

    /// <summary>
    /// The slot of <paramref name="sink"/>, or -1. A sink has one slot per route (a quarantine that is also a data sink
    /// takes both parts in one), so the sink a batch reaches finds its part here instead of in a message per sink.
    /// </summary>
    public int SlotOf(IActorRef sink)
    {
        // The route holds the very references ActorOf returned, which are the sinks' Self: no path to compare.
        for (var slot = 0; slot < Sinks.Count; slot++)
            if (ReferenceEquals(Sinks[slot], sink)) return slot;
        return -1;
    }
}
