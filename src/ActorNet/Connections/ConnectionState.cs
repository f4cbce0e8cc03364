using ActorNet.Protocol;
using ActorNet.Monitoring;

namespace ActorNet.Connections;

/// <summary>
/// What outlives a connection actor's restarts: the socket, the identity, the sequence counter and the
/// acknowledgement bookkeeping. The decoder and its partial frame are deliberately not here: a restart
/// discards them, since the failure may have left them inconsistent. Only the current incarnation touches
/// this object (Akka runs one incarnation at a time), so it needs no locking.
/// </summary>
internal sealed class ConnectionState
{
    public ConnectionState(ConnectionInfo info, SocketTransport? transport, int sinkSlots, SourceStatus source, InflightBytes bytes,
        ProcessBudget budget, long firstSeq = 1)
    {
        Bytes = bytes;
        Budget = budget;
        Info = info;
        _transport = transport;
        Ledger = new AckLedger(sinkSlots, firstSeq);
        Source = source;
    }

    private readonly SocketTransport? _transport;

    /// <summary>Who the connection is; replaced once by a TLS handshake, before the first read, to add the client certificate's subject.</summary>
    public ConnectionInfo Info { get; set; }

    /// <summary>
    /// Whether the recording (record block) has this connection's open record. Kept here because a TLS connection records
    /// its open after the handshake, whose outcome may reach a restarted incarnation.
    /// </summary>
    public bool OpenRecorded { get; set; }

    /// <summary>The source's operational view, which this connection's counters add to.</summary>
    public SourceStatus Source { get; }

    /// <summary>This connection's operational view; set by the actor's PreStart (it holds the actor's reference).</summary>
    public ConnectionStatus Status { get; set; } = null!;

    /// <summary>The socket; a followed file (<see cref="Files.FileTailActor"/>) has none.</summary>
    public SocketTransport Transport => _transport ?? throw new InvalidOperationException($"connection {Info.Id} ({Info.Peer}) reads a file, not a socket");

    /// <summary>Sequence numbers, the batches in flight and what each sink acknowledged and committed.</summary>
    public AckLedger Ledger { get; }

    /// <summary>The in-flight count last added to the metric, so that the metric can be corrected by the difference.</summary>
    public long ReportedInflight { get; set; }

    /// <summary>The byte budget; its pinned count follows the ledger's unacknowledged batches, which is why it is kept here.</summary>
    public InflightBytes Bytes { get; }

    /// <summary>The held bytes last reported (metric, connection and source views), corrected by the difference like <see cref="ReportedInflight"/>.</summary>
    public long ReportedHeldBytes { get; set; }

    /// <summary>The process-wide budget, shared with every connection of this ActorNet instance.</summary>
    public ProcessBudget Budget { get; }

    /// <summary>This connection's place in the budget's queue; set by the first incarnation's PreStart (it holds the actor's reference).</summary>
    public BudgetWaiter Waiter { get; set; } = null!;

    /// <summary>
    /// What this connection counts in <see cref="Budget"/>: what it holds, or while a read is under way at least
    /// <see cref="ReadFloor"/>. Here, not in the actor, since what it counts survives a restart.
    /// </summary>
    public long Charged { get; set; }

    /// <summary>The part of <see cref="Charged"/> counted as in motion in <see cref="Budget"/> (see <see cref="ProcessBudget.InMotion"/>).</summary>
    public long InMotion { get; set; }

    /// <summary>While a read is under way: what was held before it plus what was reserved for it; 0 otherwise.</summary>
    public long ReadFloor { get; set; }

    /// <summary>
    /// The connection stopped: it leaves the budget's queue and gives back what it counts there, except the bytes of
    /// the batches its sinks still hold (a peer that sent its last line and closed while a sink was slow or down).
    /// Those stay counted until the last sink is done with each (<see cref="AckLedger.Orphan"/>): otherwise a stalled
    /// sink behind peers that connect, send and close would gather their batches beyond max-buffered-bytes.
    /// </summary>
    public void StopCounting()
    {
        if (Waiter is { } waiter) Budget.Leave(waiter);
        var withSinks = Ledger.PinnedBytes;
        Budget.Adjust(-(Charged - withSinks), -(InMotion - withSinks));
        Ledger.Orphan(Budget);
        Charged = 0;
        InMotion = 0;
        ReadFloor = 0;
    }

    /// <summary>
    /// Reserves a read of <paramref name="reserve"/> bytes in <see cref="Budget"/> (a connection's first read always
    /// gets its turn); the reservation stands as <see cref="ReadFloor"/> until the read is handled. False: queued,
    /// <see cref="ConnectionProtocol.BudgetAvailable"/> comes when it is first.
    /// </summary>
    public bool TryReserveRead(long reserve)
    {
        if (!Budget.TryReserve(Waiter, reserve, firstRead: Charged == 0)) return false;
        Charged += reserve;
        InMotion += reserve;
        ReadFloor = Charged;
        return true;
    }

    /// <summary>
    /// Brings what <see cref="Budget"/> counts for this connection up to <paramref name="held"/> (at least the
    /// <see cref="ReadFloor"/> while a read is under way); everything but <paramref name="partialFrameBytes"/>, which
    /// only reads can finish, counts as in motion.
    /// </summary>
    public void Recharge(long held, long partialFrameBytes)
    {
        var charged = Math.Max(held, ReadFloor);
        var inMotion = charged - partialFrameBytes;
        if (charged == Charged && inMotion == InMotion) return;
        Budget.Adjust(charged - Charged, inMotion - InMotion);
        Charged = charged;
        InMotion = inMotion;
    }

    /// <summary>Set by a failing incarnation: the first bytes and the length of the partial frame it held.</summary>
    public byte[]? LostPartial { get; set; }

    public int LostPartialLength { get; set; }
}
