using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Connections.Admission;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Connections;

/// <summary>
/// Accepts peers for one tcp-listen source and supervises their connection actors (one child per peer).
/// The socket is bound before this actor starts (so a busy port fails start-up with a clear error), and the
/// next accept is only started once the previous one is handled, so max-connections is exact. What a restart
/// must not lose (the connections counted, the outstanding accept, the drain) lives in <see cref="ListenerState"/>.
///
/// <code>
///   Accepting --accept fails: peer gone before accepted--> Accepting (the next accept at once)
///   Accepting --accept fails: out of descriptors or memory--> Paused (no accept outstanding)
///   Paused --one of our connections closed, or 1s passed--> Accepting
///   Accepting --accept fails: listening socket unusable--> NotAccepting (connections live on; Error, readiness 503)
///   Accepting --max-connections reached with on-max-connections = pause--> PausedAtCapacity (no accept outstanding:
///                                        peers wait in the kernel's backlog) --a connection ended--> Accepting
///   any --Drain--> Draining (socket closed, connections draining) --last child gone--> Drained (answered once)
/// </code>
///
/// Past the process-wide <see cref="DescriptorBudget"/> a peer is accepted and closed at once, like a peer past
/// max-connections, rather than left unaccepted: a peer left in the kernel's backlog sees a connection that
/// never answers until its own timeout, then retries blindly; a closed one knows at once, and is counted. Taking it
/// costs one descriptor for a moment, which the budget's reserve holds.
///
/// Admission (<see cref="Admit"/>) checks, in order: max-connections; with proxy-protocol on, that the socket's
/// peer is a trusted proxy, then reads the PROXY header off the actor's thread (<see cref="ProxyHeaderReader"/>) and
/// carries on when it arrives (<see cref="ProxyHeaderRead"/>) with the client it names as the peer; then the limits on
/// the peer's address (<see cref="PeerLimits"/>: deny, allow, rate, per-ip); then the process's descriptors. Every
/// refusal closes the peer and is counted by reason.
/// </summary>
internal sealed class ListenerActor : UntypedActor, IWithTimers
{
    private readonly SourceSettings _settings;
    private readonly Socket _listenSocket;
    private readonly IReadOnlyList<IActorRef> _parsers;
    private readonly int _sinkSlots;
    private readonly SourceStatus _status;
    private readonly DescriptorBudget _descriptors;
    private readonly ProcessBudget _budget;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Listener;
    private readonly ListenerState _state;
    private DateTime _lastRejectionLog = DateTime.MinValue;
    private DateTime _lastPauseLog = DateTime.MinValue;

    public ListenerActor(SourceSettings settings, Socket listenSocket, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status,
        DescriptorBudget descriptors, ProcessBudget budget, ListenerState state)
    {
        _state = state;
        _descriptors = descriptors;
        _status = status;
        _budget = budget;
        _settings = settings;
        _listenSocket = listenSocket;
        _parsers = parsers;
        _sinkSlots = sinkSlots;
        _sourceTag = ActorNetMetrics.Source(settings.Name);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(SourceSettings settings, Socket listenSocket, IReadOnlyList<IActorRef> parsers, int sinkSlots,
        SourceStatus status, DescriptorBudget descriptors, ProcessBudget budget)
    {
        // Created once per source, outside the factory: every incarnation the factory makes shares it.
        var state = new ListenerState(settings.Admission);
        return Akka.Actor.Props.Create(() => new ListenerActor(settings, listenSocket, parsers, sinkSlots, status, descriptors, budget, state));
    }

    /// <summary>
    /// A connection actor that throws (a bug, not bad input: bad input is quarantined) is restarted on the
    /// same socket, at most restart.max-restarts times within restart.within; past that it is stopped and
    /// its peer closed. Other peers never notice. A constructor failure cannot be fixed by retrying.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(_settings.Restart.MaxRestarts, _settings.Restart.Within, e => e switch
        {
            ActorInitializationException => Directive.Stop,
            _ => Directive.Restart,
        });

    protected override void PreStart()
    {
        ActorKinds.Started(ActorKinds.Listener, Self);
        if (_state.Draining)
        {
            // Restarted mid-drain: carry on draining (the socket is closed already).
            Become(Draining);
            ReplyIfDrained();
            return;
        }
        _status.SetState(SourceStates.Listening);
        _log.Listening(_settings.Name, _listenSocket.LocalEndPoint);
        // After a restart the previous incarnation's accept may still be outstanding: its outcome comes to this one.
        if (!_state.AcceptPending) AcceptNext();
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // Keep the connections (the default would stop every child): a listener bug is not theirs.
    }

    protected override void PostRestart(Exception reason)
    {
        ActorKinds.Restarted(ActorKinds.Listener);
        base.PostRestart(reason);
    }

    protected override void PostStop()
    {
        _state.ProxyHeaderReads.Cancel();
        _listenSocket.Dispose();
        _status.SetState(SourceStates.Stopped);
        ActorKinds.Stopped(Self);
    }

    protected override void OnReceive(object message) => Accepting(message);

    private void Accepting(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Accepted accepted:
                _state.AcceptPending = false;
                Admit(accepted.Socket);
                AcceptNext();
                break;
            case ProxyHeaderRead read:
                HeaderRead(read);
                break;
            case ConnectionProtocol.AcceptFailed failed:
                _state.AcceptPending = false;
                AcceptFailed(failed.Cause);
                break;
            case RetryAccept:
                // Left over from a pause that a closing connection already ended: one accept is outstanding already.
                break;
            case Terminated t:
                _state.Ended(t.ActorRef);
                break;
            case ConnectionProtocol.ConnectionClosed:
                // The connection logged why; its Terminated does the bookkeeping.
                break;
            case ConnectionProtocol.WriteTo write:
                ForwardToConnection(write);
                break;
            case ConnectionProtocol.Broadcast broadcast:
                var sent = 0;
                foreach (var child in Context.GetChildren())
                {
                    child.Tell(new ConnectionProtocol.Write(broadcast.Payload), ActorRefs.NoSender);
                    sent++;
                }
                Sender.Tell(new ConnectionProtocol.BroadcastSent(sent));
                break;
            case ConnectionProtocol.Drain:
                _state.StartDrain(Sender);
                Timers.Cancel(nameof(RetryAccept));
                _state.ProxyHeaderReads.Cancel();
                _listenSocket.Dispose();
                _status.SetState(SourceStates.Draining);
                Become(Draining);
                foreach (var child in Context.GetChildren()) child.Tell(ConnectionProtocol.Drain.Instance);
                ReplyIfDrained();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void AcceptFailed(Exception cause)
    {
        var error = (cause as SocketException)?.SocketErrorCode ?? SocketError.SocketError;
        switch (AcceptErrors.Classify(error))
        {
            case AcceptErrorKind.Transient:
                ActorNetMetrics.AcceptFailures.Add(1, _sourceTag, ActorNetMetrics.Reason("peer-gone"));
                BeginAccept();
                break;
            case AcceptErrorKind.Resources:
                Pause(cause);
                break;
            default:
                ActorNetMetrics.AcceptFailures.Add(1, _sourceTag, ActorNetMetrics.Reason("fatal"));
                _status.SetState(SourceStates.Stopped, $"stopped accepting: {error}: {cause.Message}");
                _log.AcceptStoppedForGood(_settings.Name, error, cause.Message, _state.Connections);
                Become(NotAccepting);
                break;
        }
    }

    /// <summary>The listening socket cannot accept any more; the connections it has live on and can be drained.</summary>
    private void NotAccepting(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Accepted or ConnectionProtocol.AcceptFailed or RetryAccept:
                break;
            default:
                Accepting(message);
                break;
        }
    }

    /// <summary>
    /// Accepting failed for want of descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS): no accept is outstanding
    /// until one of this source's connections closes (a descriptor came back) or a second has passed (descriptors may
    /// come back elsewhere). The listening socket stays bound, so peers wait in its backlog meanwhile.
    /// </summary>
    private void Pause(Exception cause)
    {
        var error = (cause as SocketException)?.SocketErrorCode ?? SocketError.SocketError;
        var reason = error == SocketError.TooManyOpenSockets ? "fd-limit" : "socket-error";
        ActorNetMetrics.AcceptFailures.Add(1, _sourceTag, ActorNetMetrics.Reason(reason));
        // Without the exception: formatting a stack trace loads an assembly, which takes a descriptor there is none of.
        _log.AcceptPaused(_settings.Name, error, cause.Message);
        Timers.StartSingleTimer(nameof(RetryAccept), RetryAccept.Instance, TimeSpan.FromSeconds(1));
        Become(Paused);
    }

    private void Paused(object message)
    {
        switch (message)
        {
            case Terminated t:
                _state.Ended(t.ActorRef);
                Resume();
                break;
            case RetryAccept:
                Resume();
                break;
            case ConnectionProtocol.Drain:
                Timers.Cancel(nameof(RetryAccept));
                Accepting(message);
                break;
            default:
                Accepting(message);
                break;
        }
    }

    private void Resume()
    {
        Timers.Cancel(nameof(RetryAccept));
        Become(Accepting);
        AcceptNext();
    }

    /// <summary>
    /// on-max-connections = pause, and max-connections are open (or having their PROXY header read): no accept is
    /// outstanding, so new peers wait in the listening socket's backlog (ranch's way) rather than being accepted only
    /// to be closed. The first connection to end (or header to fail) lets the next one in.
    /// </summary>
    private void PausedAtCapacity(object message)
    {
        switch (message)
        {
            case Terminated t:
                _state.Ended(t.ActorRef);
                ResumeBelowCapacity();
                break;
            case ProxyHeaderRead read:
                HeaderRead(read);
                ResumeBelowCapacity();
                break;
            default:
                Accepting(message);
                break;
        }
    }

    private void ResumeBelowCapacity()
    {
        if (PauseAtCapacity) return;
        Become(Accepting);
        BeginAccept();
    }

    private bool PauseAtCapacity =>
        _settings.Admission.OnMaxConnections == AtMaxConnections.Pause && _state.Occupied >= _settings.MaxConnections;

    /// <summary>Starts the next accept, unless on-max-connections = pause says to wait for a free slot first.</summary>
    private void AcceptNext()
    {
        if (!PauseAtCapacity)
        {
            BeginAccept();
            return;
        }
        if (DateTime.UtcNow - _lastPauseLog > TimeSpan.FromSeconds(1))
        {
            _lastPauseLog = DateTime.UtcNow;
            _log.PausedAtMaxConnections(_settings.Name, _settings.MaxConnections);
        }
        Become(PausedAtCapacity);
    }

    // Writes and broadcasts never reach a draining source: the guardian refuses them from the moment it
    // starts the drain, and anything it forwarded earlier arrives before the Drain (one sender, FIFO).
    private void Draining(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Accepted accepted:
                // Accepted just before the socket closed: refuse rather than start a connection we would drain at once.
                _state.AcceptPending = false;
                accepted.Socket.Dispose();
                break;
            case ProxyHeaderRead read:
                // Its read was cancelled by the drain (or finished just before): close it rather than start a connection.
                _state.ProxyHeadersPending--;
                if (!read.Closed)
                {
                    read.Socket.Dispose();
                    _descriptors.Return();
                }
                break;
            case Terminated t:
                _state.Ended(t.ActorRef);
                ReplyIfDrained();
                break;
            default:
                break;
        }
    }

    private void ForwardToConnection(ConnectionProtocol.WriteTo write)
    {
        var connection = Context.Child($"connection-{write.ConnectionId}");
        if (connection.IsNobody()) Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
        else connection.Forward(new ConnectionProtocol.Write(write.Payload));
    }

    private void ReplyIfDrained()
    {
        if (!_state.TryFinishDrain()) return;
        _log.SourceDrained(_settings.Name);
        _state.DrainRequester!.Tell(ConnectionProtocol.Drained.Instance);
    }

    private void Admit(Socket socket)
    {
        if (_state.Occupied >= _settings.MaxConnections)
        {
            Refuse(socket, "max-connections", $"max-connections {_settings.MaxConnections} reached");
            return;
        }
        var admission = _settings.Admission;
        if (admission.ProxyProtocol == ProxyProtocolMode.Off)
        {
            AdmitPeer(socket, ConnectionActor.PeerOf(socket), admission.LimitsPeers ? AddressOf(socket) : null, descriptorTaken: false);
            return;
        }

        var proxy = AddressOf(socket);
        if (proxy is null || !admission.TrustedProxies.Contains(proxy))
        {
            Refuse(socket, "untrusted-proxy", $"a PROXY header is only taken from trusted-proxies {admission.TrustedProxies}");
            return;
        }
        // The socket is held while its header comes: it takes its descriptor now.
        if (!_descriptors.TryTake())
        {
            RefuseForDescriptors(socket);
            return;
        }
        _state.ProxyHeadersPending++;
        _ = ReadProxyHeaderAsync(socket, proxy, admission, _descriptors, _state.ProxyHeaderReads.Token, Self);
    }

    private void HeaderRead(ProxyHeaderRead read)
    {
        _state.ProxyHeadersPending--;
        if (read.Closed) return;
        if (read.Outcome.Error is { } error)
        {
            _descriptors.Return();
            Refuse(read.Socket, "proxy-header", error);
            return;
        }
        // LOCAL, UNKNOWN or a non-IP family: the proxy speaks for itself, and is the peer.
        var client = read.Outcome.Header.Source;
        var peer = client is null ? ConnectionActor.PeerOf(read.Socket) : ConnectionActor.PeerName(client);
        AdmitPeer(read.Socket, peer, _settings.Admission.LimitsPeers ? client?.Address ?? read.Proxy : null, descriptorTaken: true);
    }

    /// <param name="peer">The peer as recorded and shown: the socket's, or the client a PROXY header named.</param>
    /// <param name="address">The address the per-IP limits apply to; null when none apply (or it is unknown).</param>
    /// <param name="descriptorTaken">Whether the socket holds a descriptor slot already (taken before its PROXY header).</param>
    private void AdmitPeer(Socket socket, string peer, IPAddress? address, bool descriptorTaken)
    {
        if (address is not null && _state.Peers.Check(address, Stopwatch.GetTimestamp()) is { } refusal)
        {
            if (descriptorTaken) _descriptors.Return();
            Refuse(socket, refusal.Reason, refusal.Why, peer);
            return;
        }
        if (!descriptorTaken && !_descriptors.TryTake())
        {
            RefuseForDescriptors(socket);
            return;
        }

        var (connection, _) = ConnectionActor.StartChild(Context, socket, peer, _settings, _parsers, _sinkSlots, _status, _budget, _descriptors);
        _state.Admitted(connection, address);
    }

    private void RefuseForDescriptors(Socket socket) =>
        Refuse(socket, "fd-limit", $"the process holds {_descriptors.Capacity} peers, all its file descriptors allow (see actornet.fd-reserve)");

    /// <param name="peer">The peer to name in the log; the socket's own when null.</param>
    private void Refuse(Socket socket, string reason, string why, string? peer = null)
    {
        ActorNetMetrics.ConnectionsRejected.Add(1, _sourceTag, ActorNetMetrics.Reason(reason));
        _status.Rejected();
        // A flood of refused peers must not flood the log: one line per second at most, the metric counts all.
        if (DateTime.UtcNow - _lastRejectionLog > TimeSpan.FromSeconds(1))
        {
            _lastRejectionLog = DateTime.UtcNow;
            _log.Refused(_settings.Name, peer ?? ConnectionActor.PeerOf(socket), why);
        }
        socket.Dispose();
    }

    /// <summary>The socket peer's IP address, or null when the peer reset before it could be read (see <see cref="ConnectionActor.PeerOf"/>).</summary>
    private static IPAddress? AddressOf(Socket socket)
    {
        try
        {
            return (socket.RemoteEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the PROXY header on the thread pool and hands the socket back to the listener with it. When the listener
    /// drains or stops meanwhile (<paramref name="stop"/>), the socket is closed here, since the listener may be gone.
    /// </summary>
    private static async Task ReadProxyHeaderAsync(Socket socket, IPAddress proxy, AdmissionSettings admission, DescriptorBudget descriptors,
        CancellationToken stop, IActorRef self)
    {
        var outcome = await ProxyHeaderReader.ReadAsync(socket, admission.ProxyProtocol, admission.ProxyHeaderTimeout, stop).ConfigureAwait(false);
        var closed = stop.IsCancellationRequested;
        if (closed)
        {
            socket.Dispose();
            descriptors.Return();
        }
        self.Tell(new ProxyHeaderRead(socket, proxy, outcome, closed));
    }

    private void BeginAccept()
    {
        _state.AcceptPending = true;
        var self = Self;
        _ = AcceptAsync(_listenSocket, self);
    }

    private static async Task AcceptAsync(Socket listenSocket, IActorRef self)
    {
        try
        {
            var socket = await listenSocket.AcceptAsync().ConfigureAwait(false);
            self.Tell(new ConnectionProtocol.Accepted(socket));
        }
        catch (ObjectDisposedException)
        {
            // The listening socket was closed by Drain or PostStop: accepting is over.
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
        {
            // Same as above, reported as an aborted accept on Linux.
        }
        catch (SocketException e)
        {
            self.Tell(new ConnectionProtocol.AcceptFailed(e));
        }
    }

    private sealed class RetryAccept
    {
        public static readonly RetryAccept Instance = new();
    }

    /// <param name="Proxy">The address of the trusted proxy the socket came from.</param>
    /// <param name="Closed">The listener drained or stopped meanwhile, and the reader closed the socket.</param>
    private sealed record ProxyHeaderRead(Socket Socket, IPAddress Proxy, ProxyHeaderOutcome Outcome, bool Closed);
}
