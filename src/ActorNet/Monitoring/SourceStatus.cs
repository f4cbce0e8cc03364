namespace ActorNet.Monitoring;

/// <summary>
/// One source as operators see it. <see cref="State"/> and the feed fields are written by the source's own actor;
/// the counters by its connection actors (atomically, once per batch) and by its parsers (quarantined frames).
/// </summary>
public sealed class SourceStatus
{
    private long _frames;
    private long _bytes;
    private long _quarantined;
    private long _accepted;
    private long _rejected;
    private long _reconnects;
    private long _restarts;
    private int _active;
    private long _opened;
    private long _closed;
    private long _heldBytes;
    private long _processBudgetPauses;
    private volatile string _state = SourceStates.Starting;
    private volatile string? _lastError;
    private long _nextAttemptTicks;

    internal SourceStatus(ActorNetStatus owner, string name, string type, string endpoint, int order)
    {
        Owner = owner;
        Name = name;
        Type = type;
        Endpoint = endpoint;
        Order = order;
    }

    internal ActorNetStatus Owner { get; }
    /// <summary>The position in the configuration; a reload may move it.</summary>
    internal int Order { get; set; }

    public string Name { get; }

    /// <summary>tcp-listen or tcp-connect.</summary>
    public string Type { get; internal set; }

    /// <summary>The address listened on, or the feed server connected to. A reload that restarts the source may change it.</summary>
    public string Endpoint { get; internal set; }

    /// <summary>One of <see cref="SourceStates"/>.</summary>
    public string State => _state;

    /// <summary>tcp-connect: why the last connection attempt or connection ended; null while none failed.</summary>
    public string? LastError => _lastError;

    /// <summary>tcp-connect while backing off: when the next attempt is due (UTC).</summary>
    public DateTime? NextAttemptAt => UtcTicks.Read(ref _nextAttemptTicks);

    public long FramesReceived => Interlocked.Read(ref _frames);
    public long BytesReceived => Interlocked.Read(ref _bytes);
    public long FramesQuarantined => Interlocked.Read(ref _quarantined);
    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);
    public long ConnectionsRejected => Interlocked.Read(ref _rejected);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long ConnectionRestarts => Interlocked.Read(ref _restarts);

    /// <summary>Bytes held by this source's open connections together (see <see cref="ConnectionStatus.HeldBytes"/>).</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>udp: receive-buffer-size as configured (null: the kernel's default).</summary>
    public int? ReceiveBufferRequested { get; internal set; }

    /// <summary>udp: the receive buffer the kernel granted (SO_RCVBUF read back; Linux doubles and clamps the request).</summary>
    public int? ReceiveBufferGranted { get; internal set; }

    /// <summary>max-inflight-bytes: what one connection of this source may hold.</summary>
    public long MaxInflightBytes { get; internal set; }

    /// <summary>Times a connection of this source paused because its next read did not fit in actornet.max-buffered-bytes.</summary>
    public long ProcessBudgetPauses => Interlocked.Read(ref _processBudgetPauses);

    /// <summary>Connections of this source opened since start (accepted and not refused, or a feed's).</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    /// <summary>Connections of this source closed since start.</summary>
    public long ConnectionsClosed => Interlocked.Read(ref _closed);

    /// <summary>Open connections of this source.</summary>
    public int ConnectionsActive => Volatile.Read(ref _active);

    internal void SetState(string state, string? lastError = null, DateTime? nextAttemptAt = null)
    {
        if (lastError is not null) _lastError = lastError;
        UtcTicks.Write(ref _nextAttemptTicks, nextAttemptAt);
        _state = state;
    }

    internal void Received(int frames, int bytes)
    {
        if (frames > 0) Interlocked.Add(ref _frames, frames);
        if (bytes > 0) Interlocked.Add(ref _bytes, bytes);
    }

    internal void Held(long change) => Interlocked.Add(ref _heldBytes, change);

    internal void PausedByProcessBudget() => Interlocked.Increment(ref _processBudgetPauses);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _opened);
        Interlocked.Increment(ref _active);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Increment(ref _closed);
        Interlocked.Decrement(ref _active);
    }

    internal void Quarantined(int frames) => Interlocked.Add(ref _quarantined, frames);
    internal void Accepted() => Interlocked.Increment(ref _accepted);
    internal void Rejected() => Interlocked.Increment(ref _rejected);
    internal void Reconnecting() => Interlocked.Increment(ref _reconnects);
    internal void ConnectionRestarted() => Interlocked.Increment(ref _restarts);
}

/// <summary>The values of <see cref="SourceStatus.State"/>.</summary>
public static class SourceStates
{
    public const string Starting = "starting";
    public const string Listening = "listening";
    public const string Connecting = "connecting";
    public const string Connected = "connected";
    public const string BackingOff = "backing-off";

    /// <summary>tcp-connect after reconnect.max-attempts failures in a row.</summary>
    public const string GaveUp = "gave-up";

    public const string Draining = "draining";
    public const string Stopped = "stopped";

    /// <summary>tcp-connect in a cluster: another node owns the feed now (see /api/cluster).</summary>
    public const string OwnedElsewhere = "owned-elsewhere";
}
