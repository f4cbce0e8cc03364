using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>
/// What outlives a listener actor's restarts, which keep its connection children alive: the connections it
/// counts against max-connections, whether an accept is outstanding, and the drain in progress. Kept in the
/// actor's fields these were lost at a restart: the count started again from 0 while the children lived on
/// (four peers open with max-connections = 2), a second accept was started beside the first, and a drain
/// answered once per child that ended after the count went negative. Only the current incarnation touches
/// this object (Akka runs one at a time), so it needs no locking.
/// </summary>
internal sealed class ListenerState
{
    private readonly HashSet<IActorRef> _connections = [];

    /// <summary>Connection children admitted and not yet terminated.</summary>
    public int Connections => _connections.Count;

    /// <summary>An accept was started and its outcome has not been handled yet.</summary>
    public bool AcceptPending { get; set; }

    /// <summary>Who asked for the drain; null while not draining.</summary>
    public IActorRef? DrainRequester { get; private set; }

    public bool Draining => DrainRequester is not null;

    /// <summary>The drain was answered: it is answered once.</summary>
    public bool Drained { get; private set; }

    public void Admitted(IActorRef connection) => _connections.Add(connection);

    /// <summary>False for a child that was not counted (already removed): a Terminated is counted once.</summary>
    public bool Ended(IActorRef connection) => _connections.Remove(connection);

    public void StartDrain(IActorRef requester) => DrainRequester = requester;

    /// <summary>True the first time the drain is complete (nothing left to drain and not answered yet).</summary>
    public bool TryFinishDrain()
    {
        if (!Draining || Drained || _connections.Count > 0) return false;
        Drained = true;
        return true;
    }
}
