using System.Collections.Concurrent;
using ActorNet.Protocol;

namespace ActorNet.Connections;

/// <summary>
/// The byte budget of all connections of one ActorNet instance together (actornet.max-buffered-bytes): the same
/// bytes <see cref="InflightBytes"/> counts per connection, summed. One per <c>ActorNetService</c>, never static,
/// since several instances may share a process.
///
/// A connection reserves before each read what that read may add (see <see cref="ConnectionActor"/>) and gives
/// back what it releases. A reservation that does not fit, or that would overtake a connection already waiting,
/// puts the connection in a FIFO queue; releases wake the queue's head, and only the head may reserve while the
/// queue is not empty, so waiters read again in their order of arrival and none starves. The head may pass the
/// limit in two cases, or the budget could stall for good:
/// <list type="bullet">
/// <item>it holds nothing at all (<c>firstRead</c>) and the total is within the limit: a limit kept full by
/// others' batches must not lock out a peer for ever;</item>
/// <item>nothing held anywhere is <see cref="InMotion"/> (batches awaiting sinks, writes awaiting the socket,
/// reads under way): all that is held is partial frames, which only reads can finish, so no release would ever
/// come. One grant makes something in motion again, so this does not cascade.</item>
/// </list>
/// Bound: the total exceeds the limit by at most the largest single reservation (two read buffers), since both
/// exceptions need the total within the limit or a grant in motion first; plus what is counted but never refused:
/// a partial frame longer than half a read buffer, and writes queued for peers.
///
/// The counter is lock-free (<see cref="Interlocked"/>); the queue takes a lock, only while someone waits or
/// joins it: the fast path of a reservation with nobody waiting is one compare-and-swap.
/// </summary>
public sealed class ProcessBudget : IHeldBytesBudget
{
    private readonly Lock _queueLock = new();
    private readonly LinkedList<BudgetWaiter> _queue = new();
    private long _held;
    private long _inMotion;
    private int _waiting;
    private long _pauses;

    // Batches of stopped connections that sinks still hold (FrameBatch.Orphan), until each is given back. A map only so
    // that a sink or parser that stops for good can give back what it will never finish (ReleaseOrphans); touched once
    // or twice per orphan, never per frame.
    private readonly ConcurrentDictionary<FrameBatch, byte> _orphans = new();

    /// <param name="limit">actornet.max-buffered-bytes.</param>
    public ProcessBudget(long limit)
    {
        if (limit <= 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "expected a positive number of bytes");
        Limit = limit;
    }

    /// <summary>actornet.max-buffered-bytes.</summary>
    public long Limit { get; }

    /// <summary>Bytes held (or reserved for reads under way) by all connections together.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>The part of <see cref="Held"/> that will be released without the budget granting another read.</summary>
    public long InMotion => Interlocked.Read(ref _inMotion);

    /// <summary>Connections paused now because their next read does not fit.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Times a connection paused because its next read did not fit (since start).</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>
    /// Reserves <paramref name="bytes"/> for a read of <paramref name="waiter"/>'s connection, or queues it: false
    /// means paused until <see cref="BudgetWaiter.Resume"/> is called, after which the connection calls this again.
    /// A connection that was queued and now reserves leaves the queue, and wakes the next waiter (which may fit too).
    /// </summary>
    internal bool TryReserve(BudgetWaiter waiter, long bytes, bool firstRead)
    {
        if (bytes <= 0) return true;
        if (waiter.Node is null && Volatile.Read(ref _waiting) == 0 && TryAdd(bytes, firstRead: false))
        {
            return true;
        }

        BudgetWaiter? next;
        lock (_queueLock)
        {
            if (waiter.Node is null)
            {
                waiter.Node = _queue.AddLast(waiter);
                Interlocked.Increment(ref _waiting);
                Interlocked.Increment(ref _pauses);
                waiter.Paused();
            }
            // Asked again: a later release must wake it again. Checked after joining, so that a release which found
            // the queue empty just before cannot leave the head waiting for a wake-up that never comes.
            waiter.Notified = false;
            if (_queue.First != waiter.Node || !TryAdd(bytes, firstRead)) return false;
            Remove(waiter);
            next = NextToWake();
        }
        next?.Resume();
        return true;
    }

    /// <summary>
    /// Counts a change of what a connection holds that was not reserved (growth, refused by nothing) or that it gave
    /// back (a release, which wakes the head of the queue), and of the part of it in motion.
    /// </summary>
    internal void Adjust(long change, long inMotionChange)
    {
        // In motion first when it grows and last when it shrinks: a reader never sees bytes held that should be in motion and are not.
        if (inMotionChange > 0) Interlocked.Add(ref _inMotion, inMotionChange);
        if (change != 0) Interlocked.Add(ref _held, change);
        if (inMotionChange < 0) Interlocked.Add(ref _inMotion, inMotionChange);
        if (change < 0 || inMotionChange < 0) WakeHead();
    }

    void IHeldBytesBudget.Holds(FrameBatch orphan) => _orphans.TryAdd(orphan, 0);

    /// <summary>A batch of a connection that stopped before its sinks were done (<see cref="FrameBatch.Orphan"/>) is done now.</summary>
    void IHeldBytesBudget.ReleaseOrphaned(FrameBatch orphan)
    {
        _orphans.TryRemove(orphan, out _);
        Adjust(-orphan.HeldBytes, -orphan.HeldBytes);
    }

    /// <summary>Batches of stopped connections still counted because sinks hold them (<see cref="FrameBatch.Orphan"/>).</summary>
    public int Orphans => _orphans.Count;

    /// <summary>
    /// A sink or parser stopped for good: the batches it held will never be acknowledged. Orphans cannot tell which
    /// stage holds them, so all are given back (the others' for the moment their sinks still take); without this, the
    /// closing connections of its sources would fill the budget for every source. Returns the bytes given back.
    /// </summary>
    internal long ReleaseOrphans()
    {
        long released = 0;
        // Connections elsewhere keep changing Held meanwhile: count what this call gave back, orphan by orphan.
        foreach (var orphan in _orphans.Keys)
            if (orphan.GiveBackUnfinished()) released += orphan.HeldBytes;
        return released;
    }

    /// <summary>The connection stops waiting (it stopped, drains, or is held back by its own limits): the next one may go.</summary>
    internal void Leave(BudgetWaiter waiter)
    {
        if (waiter.Node is null) return;
        BudgetWaiter? next;
        lock (_queueLock)
        {
            if (waiter.Node is null) return;
            Remove(waiter);
            next = NextToWake();
        }
        next?.Resume();
    }

    private void WakeHead()
    {
        if (Volatile.Read(ref _waiting) == 0) return;
        BudgetWaiter? head;
        lock (_queueLock) head = NextToWake();
        head?.Resume();
    }

    /// <summary>The head, unless it was already woken and has not asked again (one wake-up message per attempt).</summary>
    private BudgetWaiter? NextToWake()
    {
        if (_queue.First is not { } first || first.Value.Notified) return null;
        first.Value.Notified = true;
        return first.Value;
    }

    private void Remove(BudgetWaiter waiter)
    {
        _queue.Remove(waiter.Node!);
        waiter.Node = null;
        waiter.Notified = false;
        Interlocked.Decrement(ref _waiting);
    }

    /// <summary>Adds a reservation to what is held and in motion (a read under way), if it may be granted.</summary>
    private bool TryAdd(long bytes, bool firstRead)
    {
        while (true)
        {
            var held = Interlocked.Read(ref _held);
            var fits = held + bytes <= Limit || (firstRead && held <= Limit) || Interlocked.Read(ref _inMotion) == 0;
            if (!fits) return false;
            if (Interlocked.CompareExchange(ref _held, held + bytes, held) != held) continue;
            Interlocked.Add(ref _inMotion, bytes);
            return true;
        }
    }
}

/// <summary>
/// A connection's place in the <see cref="ProcessBudget"/> queue. <see cref="Resume"/> runs on whichever thread
/// released bytes, so it must only send a message (a connection tells itself to try again).
/// </summary>
internal abstract class BudgetWaiter
{
    internal LinkedListNode<BudgetWaiter>? Node { get; set; }

    internal bool Notified { get; set; }

    /// <summary>Called under the budget's queue lock when the connection joins the queue: count the pause, send nothing that could block.</summary>
    protected internal virtual void Paused()
    {
    }

    protected internal abstract void Resume();
}
