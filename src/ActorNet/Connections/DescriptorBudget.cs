namespace ActorNet.Connections;

/// <summary>
/// How many accepted peers the whole process may hold open at once, so that the descriptors it needs for itself
/// are never taken by peers. Shared by every listener; a peer's slot is taken before its connection actor starts
/// and given back when its socket is closed (<see cref="SocketTransport.Dispose"/>), whichever actor closes it.
/// </summary>
/// <remarks>
/// Why a reserve at all: with every descriptor taken, accept() failing is the mild symptom. The runtime needs
/// descriptors for its own work: starting a thread-pool thread names it through /proc/self/task/TID/comm, printing
/// an exception's stack trace loads System.Diagnostics.StackTrace.dll, the GC reads /proc/meminfo, Kestrel accepts,
/// the spool and SQLite open files. Under <c>prlimit --nofile=1024</c> with 1,500 peers all of those failed with
/// EMFILE (strace), and a core dump showed the abort ("Out of memory.", SIGABRT) in
/// <c>Thread.StartCore</c> called from <c>PortableThreadPool.WorkerThread.MaybeAddWorkingWorker</c>: the runtime
/// turns a thread it cannot start into an OutOfMemoryException, which is fatal on the thread pool's own dispatch
/// path. The pool grows exactly then, because every failed accept logged a full stack trace and 1,000 new
/// connection actors queued work at once. Keeping the reserve free keeps all of these working. A listener copes
/// with a failed accept (it pauses), but the runtime does not cope with having no descriptor at all: with the reserve
/// set to 32 and eaten by idle HTTP clients, the same abort came at the next SIGTERM. Hence a floor of 128.
/// </remarks>
internal sealed class DescriptorBudget
{
    private int _inUse;
    private int _capacity;

    public DescriptorBudget(int capacity)
    {
        _capacity = capacity;
    }

    /// <summary>No limit besides each source's max-connections (no listener yet, or the platform has no descriptor limit).</summary>
    public static DescriptorBudget Unlimited() => new(int.MaxValue);

    /// <summary>The most peers held open at once; a reload plans it again (<see cref="Resize"/>).</summary>
    public int Capacity => Volatile.Read(ref _capacity);

    /// <summary>
    /// A reload planned the cap again for the sources it left running. Peers held now keep their slots; when the cap
    /// shrinks below them, new peers are refused until enough have closed.
    /// </summary>
    public void Resize(int capacity) => Volatile.Write(ref _capacity, capacity);

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes a slot for one peer; false when the process is at its cap.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inUse);
            if (current >= Volatile.Read(ref _capacity)) return false;
            if (Interlocked.CompareExchange(ref _inUse, current + 1, current) == current) return true;
        }
    }

    public void Return() => Interlocked.Decrement(ref _inUse);

    /// <summary>
    /// The cap for <paramref name="limit"/> descriptors (RLIMIT_NOFILE) of which <paramref name="openNow"/> are open
    /// (assemblies, logs, listening sockets, the runtime's pipes and epoll), keeping <paramref name="reserve"/> free
    /// for what the process opens later and one for each outbound feed.
    /// </summary>
    public static DescriptorPlan Plan(long limit, int openNow, int reserve, int feeds, long maxConnections)
    {
        var available = limit - openNow - reserve - feeds;
        var cap = (int)Math.Clamp(Math.Min(available, maxConnections), 0, int.MaxValue);
        return new DescriptorPlan(limit, openNow, reserve, feeds, maxConnections, cap);
    }
}

/// <summary>The outcome of <see cref="DescriptorBudget.Plan"/>; <see cref="Cap"/> 0 means no peer could be served.</summary>
internal sealed record DescriptorPlan(long Limit, int OpenNow, int Reserve, int Feeds, long MaxConnections, int Cap)
{
    /// <summary>The descriptors cannot hold every source's max-connections: the cap is lower.</summary>
    public bool Capped => Cap < MaxConnections;

    /// <summary>The smallest limit that would hold every source's max-connections.</summary>
    public long Needed => MaxConnections + OpenNow + Reserve + Feeds;
}
