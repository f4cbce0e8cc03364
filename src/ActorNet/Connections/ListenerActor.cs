using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Metrics;
using ActorNet.Pipeline;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Connections;

/// <summary>
/// Accepts peers for one tcp-listen source and supervises their connection actors (one child per peer).
/// The socket is bound before this actor starts (so a busy port fails start-up with a clear error), and the
/// next accept is only started once the previous one is handled, so max-connections is exact.
///
/// <code>
///   Accepting --Drain--> Draining (socket closed, connections draining) --last child gone--> Drained
/// </code>
/// </summary>
internal sealed class ListenerActor : UntypedActor, IWithTimers
{
    private readonly SourceSettings _settings;
    private readonly Socket _listenSocket;
    private readonly IReadOnlyList<IActorRef> _parsers;
    private readonly int _sinkSlots;
    private readonly SourceStatus _status;
    private readonly ProcessBudget _budget;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _connections;
    private IActorRef? _drainRequester;
    private DateTime _lastRejectionLog = DateTime.MinValue;

    public ListenerActor(SourceSettings settings, Socket listenSocket, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status,
        ProcessBudget budget)
    {
        _budget = budget;
        _status = status;
        _settings = settings;
        _listenSocket = listenSocket;
        _parsers = parsers;
        _sinkSlots = sinkSlots;
        _sourceTag = ActorNetMetrics.Source(settings.Name);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    internal static Props Props(SourceSettings settings, Socket listenSocket, IReadOnlyList<IActorRef> parsers, int sinkSlots,
        SourceStatus status, ProcessBudget budget) =>
        Akka.Actor.Props.Create(() => new ListenerActor(settings, listenSocket, parsers, sinkSlots, status, budget));

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
        _status.SetState(SourceStates.Listening);
        _log.Info("Source {Source} listening on {Endpoint}", _settings.Name, _listenSocket.LocalEndPoint);
        BeginAccept();
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
                Admit(accepted.Socket);
                BeginAccept();
                break;
            case ConnectionProtocol.AcceptFailed failed:
                // EMFILE and the like: back off instead of spinning; the listening socket stays bound.
                _log.Error(failed.Cause, "Source {Source} failed to accept a connection; retrying in 1s", _settings.Name);
                Timers.StartSingleTimer(nameof(RetryAccept), RetryAccept.Instance, TimeSpan.FromSeconds(1));
                break;
            case RetryAccept:
                BeginAccept();
                break;
            case Terminated:
                _connections--;
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
                _drainRequester = Sender;
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

    // Writes and broadcasts never reach a draining source: the guardian refuses them from the moment it
    // starts the drain, and anything it forwarded earlier arrives before the Drain (one sender, FIFO).
    private void Draining(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Accepted accepted:
                // Accepted just before the socket closed: refuse rather than start a connection we would drain at once.
                accepted.Socket.Dispose();
                break;
            case Terminated:
                _connections--;
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
        if (_connections > 0) return;
        _log.Info("Source {Source} drained", _settings.Name);
        _drainRequester?.Tell(ConnectionProtocol.Drained.Instance);
    }

    private void Admit(Socket socket)
    {
        if (_connections >= _settings.MaxConnections)
        {
            ActorNetMetrics.ConnectionsRejected.Add(1, _sourceTag, ActorNetMetrics.Reason("max-connections"));
            _status.Rejected();
            // A flood of refused peers must not flood the log: one line per second at most, the metric counts all.
            if (DateTime.UtcNow - _lastRejectionLog > TimeSpan.FromSeconds(1))
            {
                _lastRejectionLog = DateTime.UtcNow;
                _log.Warning("Source {Source} refused {Peer}: max-connections {MaxConnections} reached",
                    _settings.Name, ConnectionActor.PeerOf(socket), _settings.MaxConnections);
            }
            socket.Dispose();
            return;
        }

        ConnectionActor.StartChild(Context, socket, _settings, _parsers, _sinkSlots, _status, _budget);
        _connections++;
    }

    private void BeginAccept()
    {
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
}
