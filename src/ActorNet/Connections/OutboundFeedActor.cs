using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Protocol;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Connections;

/// <summary>
/// A tcp-connect source: connects to the feed server and stays connected. The connection itself is a
/// <see cref="ConnectionActor"/> child, exactly as for accepted peers; when it stops, for whatever reason
/// (refused, reset, timed out, silent past idle-timeout, closed by the server, failed), the feed backs off
/// and connects again with a new connection id and seq from 1.
///
/// <code>
///   Connecting --connected--> Connected --connection stopped--> BackingOff --timer--> Connecting
///   Connecting --refused / timed out / reset at once--> BackingOff   (or GaveUp after reconnect.max-attempts failures)
///   any --Drain--> Draining --connection gone--> Drained
/// </code>
/// Every socket error is the feed's normal life, the input of its reconnect loop: none is thrown, so none can
/// restart the feed or exhaust a supervisor's patience.
/// </summary>
internal sealed class OutboundFeedActor : UntypedActor, IWithTimers
{
    private static readonly object RetryTimerKey = "reconnect";

    private readonly SourceSettings _settings;
    private readonly IReadOnlyList<IActorRef> _parsers;
    private readonly int _sinkSlots;
    private readonly SourceStatus _status;
    private readonly ProcessBudget _budget;
    private readonly BackoffSchedule _backoff;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Feed;
    private int _failures;
    private int _attempt;
    private IActorRef? _connection;
    private DateTime _connectedAt;
    private string _lastCloseReason = "";
    private CancellationTokenSource? _connecting;
    private readonly List<IActorRef> _drainRequesters = [];
    private readonly Func<bool>? _mayConnect;

    public OutboundFeedActor(SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status, ProcessBudget budget,
        Func<bool>? mayConnect = null)
    {
        _mayConnect = mayConnect;
        _budget = budget;
        _status = status;
        _settings = settings;
        _parsers = parsers;
        _sinkSlots = sinkSlots;
        _backoff = new BackoffSchedule(settings.Reconnect);
        _sourceTag = ActorNetMetrics.Source(settings.Name);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="mayConnect">
    /// Asked before every connect; while false the feed waits a min-backoff and asks again. In a cluster: whether this
    /// node still sees a majority of the members, so that a node cut off from the others (and about to be downed)
    /// never opens a second session to a feed that another node is taking over.
    /// </param>
    internal static Props Props(SourceSettings settings, IReadOnlyList<IActorRef> parsers, int sinkSlots, SourceStatus status,
        ProcessBudget budget, Func<bool>? mayConnect = null) =>
        Akka.Actor.Props.Create(() => new OutboundFeedActor(settings, parsers, sinkSlots, status, budget, mayConnect));

    /// <summary>
    /// An outbound connection that fails is not restarted in place: it is stopped, and the feed reconnects from
    /// scratch, which resynchronises any framing (length-field included) with a fresh stream.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        ActorKinds.Started(ActorKinds.Feed, Self);
        Connect();
    }

    protected override void PostRestart(Exception reason)
    {
        ActorKinds.Restarted(ActorKinds.Feed);
        base.PostRestart(reason);
    }

    protected override void PostStop()
    {
        _connecting?.Cancel();
        _status.SetState(SourceStates.Stopped);
        ActorKinds.Stopped(Self);
    }

    protected override void OnReceive(object message) => Connecting(message);

    private void Connecting(object message)
    {
        switch (message)
        {
            case Connected connected when connected.Attempt == _attempt:
                StartConnection(connected.Socket, connected.Peer);
                break;
            case Connected stale:
                stale.Socket.Dispose();
                break;
            case ConnectFailed failed when failed.Attempt == _attempt:
                BackOff(failed.Reason);
                break;
            default:
                Common(message);
                break;
        }
    }

    private void ConnectedPhase(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Established established:
                Established(established.Peer, established.ConnectionId);
                break;
            case ConnectionProtocol.ConnectionClosed closed:
                _lastCloseReason = closed.Reason;
                break;
            case Terminated t when t.ActorRef.Equals(_connection):
                _connection = null;
                var uptime = DateTime.UtcNow - _connectedAt;
                if (_backoff.Resets(uptime)) _failures = 0;
                BackOff($"connection lost after {uptime.TotalSeconds:F1}s: {(_lastCloseReason.Length > 0 ? _lastCloseReason : "the connection actor stopped")}");
                break;
            case ConnectionProtocol.Broadcast broadcast:
                _connection?.Tell(new ConnectionProtocol.Write(broadcast.Payload), ActorRefs.NoSender);
                Sender.Tell(new ConnectionProtocol.BroadcastSent(_connection is null ? 0 : 1));
                break;
            default:
                Common(message);
                break;
        }
    }

    private void BackingOff(object message)
    {
        switch (message)
        {
            case RetryNow:
                Connect();
                break;
            default:
                Common(message);
                break;
        }
    }

    private void Common(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Drain:
                _drainRequesters.Add(Sender);
                Timers.CancelAll();
                _connecting?.Cancel();
                _status.SetState(SourceStates.Draining);
                Become(Draining);
                if (_connection is null) ReplyDrained();
                else _connection.Tell(ConnectionProtocol.Drain.Instance);
                break;
            case ConnectionProtocol.Broadcast:
                Sender.Tell(new ConnectionProtocol.BroadcastSent(0));
                break;
            case ConnectionProtocol.WriteTo write:
                if (_connection is not null && _connection.Path.Name == $"connection-{write.ConnectionId}")
                    _connection.Forward(new ConnectionProtocol.Write(write.Payload));
                else
                    Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
                break;
            case Connected stale:
                stale.Socket.Dispose();
                break;
            case ConnectFailed or ConnectionProtocol.ConnectionClosed or Terminated:
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
            // A second drain (a cluster hand-off after the node's own drain): answered once there is nothing left.
            case ConnectionProtocol.Drain:
                _drainRequesters.Add(Sender);
                if (_connection is null) ReplyDrained();
                break;
            case Terminated t when t.ActorRef.Equals(_connection):
                _connection = null;
                ReplyDrained();
                break;
            case Connected stale:
                stale.Socket.Dispose();
                break;
        }
    }

    private void ReplyDrained()
    {
        _log.SourceDrained(_settings.Name);
        foreach (var requester in _drainRequesters) requester.Tell(ConnectionProtocol.Drained.Instance);
        _drainRequesters.Clear();
    }

    private void Connect()
    {
        if (_mayConnect is not null && !_mayConnect())
        {
            // Not a failed attempt: nothing was tried, so the failure count and its backoff stay as they are.
            Become(BackingOff);
            _status.SetState(SourceStates.BackingOff, "waiting to see a majority of the cluster", DateTime.UtcNow + _settings.Reconnect.MinBackoff);
            Timers.StartSingleTimer(RetryTimerKey, RetryNow.Instance, _settings.Reconnect.MinBackoff);
            return;
        }
        _attempt++;
        _connecting?.Dispose();
        Become(Connecting);
        _status.SetState(SourceStates.Connecting);
        _log.FeedConnecting(_settings.Name, _settings.Host, _settings.Port, _failures + 1);
        _connecting = new CancellationTokenSource(_settings.ConnectTimeout);
        _ = ConnectAsync(_settings.Host, _settings.Port, _settings.ConnectTimeout, _attempt, _connecting.Token, Self);
    }

    private static async Task ConnectAsync(string host, int port, TimeSpan timeout, int attempt, CancellationToken token, IActorRef self)
    {
        Socket? socket = null;
        try
        {
            var addresses = IPAddress.TryParse(host, out var parsed) ? [parsed] : await Dns.GetHostAddressesAsync(host, token).ConfigureAwait(false);
            if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
            socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var endpoint = new IPEndPoint(addresses[0], port);
            await socket.ConnectAsync(endpoint, token).ConfigureAwait(false);
            // The address connected to, not socket.RemoteEndPoint: a server that resets at once makes getpeername fail.
            self.Tell(new Connected(socket, endpoint.ToString(), attempt));
        }
        catch (OperationCanceledException)
        {
            socket?.Dispose();
            self.Tell(new ConnectFailed($"connect timed out after {timeout}", attempt));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            socket?.Dispose();
            self.Tell(new ConnectFailed(e.Message, attempt));
        }
    }

    private void StartConnection(Socket socket, string peer)
    {
        _connecting?.Dispose();
        _connecting = null;
        _connectedAt = DateTime.UtcNow;
        _lastCloseReason = "";
        ConnectionInfo info;
        try
        {
            (_connection, info) = ConnectionActor.StartChild(Context, socket, peer, _settings, _parsers, _sinkSlots, _status, _budget);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Setting the socket up failed because the server already dropped it: a failed attempt like any other.
            socket.Dispose();
            BackOff($"connection lost while starting: {e.Message}");
            return;
        }
        Become(ConnectedPhase);
        // With TLS the feed stays connecting through its handshake: Established says when it is done.
        if (!_settings.Tls.Enabled) Established(info.Peer, info.Id);
    }

    private void Established(string peer, long connectionId)
    {
        _status.SetState(SourceStates.Connected);
        _log.FeedConnected(_settings.Name, peer, connectionId);
    }

    private void BackOff(string reason)
    {
        _failures++;
        if (_backoff.GivesUp(_failures))
        {
            _status.SetState(SourceStates.GaveUp, reason);
            _log.FeedGaveUp(_settings.Name, _settings.Host, _settings.Port, _failures, reason);
            Become(Common);
            return;
        }
        var delay = _backoff.Delay(_failures - 1, Random.Shared.NextDouble());
        ActorNetMetrics.Reconnects.Add(1, _sourceTag);
        _status.Reconnecting();
        _status.SetState(SourceStates.BackingOff, reason, DateTime.UtcNow + delay);
        _log.FeedBackingOff(_settings.Name, reason, _settings.Host, _settings.Port, delay, _failures);
        Become(BackingOff);
        Timers.StartSingleTimer(RetryTimerKey, RetryNow.Instance, delay);
    }

    private sealed record Connected(Socket Socket, string Peer, int Attempt);

    private sealed record ConnectFailed(string Reason, int Attempt);

    private sealed class RetryNow
    {
        public static readonly RetryNow Instance = new();
    }
}
