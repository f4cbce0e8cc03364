using System.Net;
using ActorNet.Configuration;
using ActorNet.Connections.Admission;
using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>
/// What outlives a listener actor's restarts, which keep its connection children alive: the connections it
/// counts against max-connections, whether an accept is outstanding, and the drain in progress. Kept in the
/// actor's fields these were lost at a restart: the count started again from 0 while the children lived on
/// (four peers open with max-connections = 2), a second accept was started beside the first, and a drain
/// answered once per child that ended after the count went negative. Only the current incarnation touches
/// this object (Akka runs one at a time), so it needs no locking. The same holds for the open connections per
/// peer address (<see cref="Peers"/>) and the PROXY headers being read.
/// </summary>
internal sealed class ListenerState(AdmissionSettings? admission = null)
{
    // Each connection with the address its per-IP limits count it under (null: none known, the peer had reset).
    private readonly Dictionary<IActorRef, IPAddress?> _connections = [];

    /// <summary>The limits per peer address and the open connections they count.</summary>
    public PeerLimits Peers { get; } = new(admission ?? AdmissionSettings.Open);

    /// <summary>Accepted sockets whose PROXY header is being read: they hold a descriptor and count against max-connections.</summary>
    public int ProxyHeadersPending { get; set; }

    /// <summary>Cancelled when the listener drains or stops: the PROXY header reads still going on give up and close their sockets.</summary>
    public CancellationTokenSource ProxyHeaderReads { get; } = new();

    /// <summary>Connection children admitted and not yet terminated.</summary>
    public int Connections => _connections.Count;

    /// <summary>An accept was started and its outcome has not been handled yet.</summary>
    public bool AcceptPending { get; set; }

    /// <summary>Who asked for the drain; null while not draining.</summary>
    public IActorRef? DrainRequester { get; private set; }

    public bool Draining => DrainRequester is not null;

    /// <summary>The drain was answered: it is answered once.</summary>
    public bool Drained { get; private set; }

    /// <summary>Connections open and peers whose PROXY header is being read: what max-connections bounds.</summary>
    public int Occupied => _connections.Count + ProxyHeadersPending;

    /// <param name="address">The address the per-IP limits count it under; null when unknown.</param>
    public void Admitted(IActorRef connection, IPAddress? address = null)
    {
        if (_connections.TryAdd(connection, address) && address is not null) Peers.Opened(address);
    }

    /// <summary>False for a child that was not counted (already removed): a Terminated is counted once.</summary>
    public bool Ended(IActorRef connection)
    {
        if (!_connections.Remove(connection, out var address)) return false;
        if (address is not null) Peers.Closed(address);
        return true;
    }

    public void StartDrain(IActorRef requester) => DrainRequester = requester;

    /// <summary>True the first time the drain is complete (nothing left to drain and not answered yet).</summary>
    public bool TryFinishDrain()
    {
        if (!Draining || Drained || _connections.Count > 0) return false;
        Drained = true;
        return true;
    }
}
