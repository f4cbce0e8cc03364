using ActorNet.Protocol;
using System.Net.Sockets;
using ActorNet.Cluster;
using ActorNet.Configuration;
using ActorNet.Hosting.Reload;
using ActorNet.Pipeline;
using ActorNet.Connections;
using ActorNet.Logging;
using ActorNet.Metrics;
using ActorNet.Sinks;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Hosting;

/// <summary>
/// The root of ActorNet's actors. Starts sinks first, then parsers, then listeners (so nothing is accepted
/// before there is somewhere to deliver it), and stops them in the opposite order on <see cref="ConnectionProtocol.Drain"/>:
/// <code>
///   Running --Drain--> DrainingSources --all listeners drained--> DrainingParsers --parsers stopped-->
///   DrainingSinks --sinks flushed and stopped--> Drained (reply)
///   Running --Apply (reload)--> the reload phases of ActorNetGuardian.Reloading.cs --> Running
/// </code>
/// Each stage is stopped with a PoisonPill, which queues behind the batches already sent to it, so every
/// frame read before the drain reaches its sinks.
/// </summary>
internal sealed partial class ActorNetGuardian : UntypedActor, IWithUnboundedStash
{
    private ActorNetSettings _settings;
    private readonly ActorNetOptions _options;
    private readonly IReadOnlyDictionary<string, Socket> _boundSockets;
    private readonly ActorNetStatus _status;
    private readonly DescriptorBudget _descriptors;
    private readonly ProcessBudget _budget;
    private readonly Microsoft.Extensions.Logging.ILogger _log = ActorNetLogging.Get(Context.System).Hosting;
    // By name, in start order: a reload stops and starts them one by one.
    private readonly Dictionary<string, IActorRef> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef[]> _parsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _sinks = new(StringComparer.Ordinal);
    private readonly HashSet<IActorRef> _waitingFor = [];
    private readonly Dictionary<IActorRef, string> _names = [];
    private readonly List<string> _stoppedForGood = [];
    private IActorRef? _drainRequester;
    // Cluster mode: tcp-connect sources are offered here for their sharded entity to run wherever sharding puts it.
    private readonly FeedDirectory? _clusterFeeds;

    public ActorNetGuardian(ActorNetSettings settings, ActorNetOptions options, IReadOnlyDictionary<string, Socket> boundSockets,
        ActorNetStatus status, DescriptorBudget descriptors, ProcessBudget budget, FeedDirectory? clusterFeeds = null)
    {
        _clusterFeeds = clusterFeeds;
        _descriptors = descriptors;
        _budget = budget;
        _settings = settings;
        _options = options;
        _boundSockets = boundSockets;
        _status = status;
    }

    internal static Props Props(ActorNetSettings settings, ActorNetOptions options, IReadOnlyDictionary<string, Socket> boundSockets,
        ActorNetStatus status, DescriptorBudget descriptors, ProcessBudget budget, FeedDirectory? clusterFeeds = null) =>
        Akka.Actor.Props.Create(() => new ActorNetGuardian(settings, options, boundSockets, status, descriptors, budget, clusterFeeds));

    public IStash Stash { get; set; } = null!;

    /// <summary>
    /// A sink, parser or source that throws (a bug: sinks treat every storage fault as an outage and retry, feeds
    /// treat every socket error as a reason to reconnect) is restarted, without a limit: these actors must live as
    /// long as ActorNet does, and a restart limit would stop one for good after a burst of faults, as it once did
    /// to a feed whose server reset every connection. A restart happens once per failed message, so it cannot spin
    /// on its own. A sink's backlog survives it (held batches go to the spool in PostStop, the spool is reopened);
    /// the batch being handled is lost, which its connection sees as a gap in the acknowledgements and never
    /// acknowledges past. The listener keeps its connections across its own restart. Only an actor that cannot
    /// even be constructed is stopped (restarting it would fail the same way): that is logged at Error level and
    /// shown as stopped in /api/sources or /api/sinks, and readiness turns 503.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, e => e is ActorInitializationException ? Directive.Stop : Directive.Restart);

    protected override void PreStart()
    {
        // This instance's budgets are in /metrics while it runs: added here, taken back in PostStop (several instances may share a process).
        ActorNetMetrics.ObserveBudget(_budget, () => (_budget.Held, _budget.Limit));
        StatusMetrics.Observe(_status);
        foreach (var source in _settings.Sources)
            ActorNetMetrics.InflightBytesLimit.Add(source.MaxInflightBytes, ActorNetMetrics.Source(source.Name));

        foreach (var name in _settings.Sources.SelectMany(s => s.AllSinks).Distinct()) StartSink(_settings.Sinks[name]);
        foreach (var source in _settings.Sources) StartSource(source, _boundSockets.GetValueOrDefault(source.Name));
    }

    private void StartSink(SinkSettings sink)
    {
        var actor = Context.ActorOf(SinkActor.Props(sink, _options.SinkTypes[sink.Type], _status.Sink(sink.Name)!), $"sink-{sink.Name}");
        _sinks[sink.Name] = actor;
        Watch(actor, $"sink {sink.Name}");
    }

    /// <summary>The parsers and the listener (or feed) of <paramref name="source"/>, whose sinks must be running.</summary>
    private void StartSource(SourceSettings source, Socket? listenSocket)
    {
        var sourceStatus = _status.Source(source.Name)!;
        var route = RouteOf(source);
        var parsers = Enumerable.Range(0, source.ParserParallelism)
            .Select(i => Context.ActorOf(ParserActor.Props(sourceStatus, _options.Parsers[source.Parser](), route, source.QuarantineRawLimit),
                $"parser-{source.Name}-{i}"))
            .ToArray();
        _parsers[source.Name] = parsers;
        foreach (var parser in parsers) Watch(parser, $"parser {parser.Path.Name} of source {source.Name}");
        if (_clusterFeeds is not null && source.Type == SourceType.TcpConnect)
        {
            OfferToCluster(source, parsers, sourceStatus);
            return;
        }
        var sourceProps = source.Type switch
        {
            SourceType.TcpConnect => OutboundFeedActor.Props(source, parsers, source.AllSinks.Count, sourceStatus, _budget),
            SourceType.Udp => Connections.Udp.UdpSourceActor.Props(source, listenSocket!, parsers, source.AllSinks.Count, sourceStatus, _budget),
            SourceType.File => Files.FileSourceActor.Props(source, parsers, source.AllSinks.Count, sourceStatus, _budget),
            _ => ListenerActor.Props(source, listenSocket!, parsers, source.AllSinks.Count, sourceStatus, _descriptors, _budget),
        };
        var sourceActor = Context.ActorOf(sourceProps, $"source-{source.Name}");
        _sources[source.Name] = sourceActor;
        Watch(sourceActor, $"source {source.Name}");
    }

    /// <summary>The running sinks <paramref name="source"/> feeds, slot by slot.</summary>
    private SourceRoute RouteOf(SourceSettings source)
    {
        var slots = source.AllSinks;
        return new SourceRoute(
            slots.Select(n => _sinks[n]).ToArray(),
            slots.Select(n => source.Sinks.Contains(n)).ToArray(),
            // A live tail (websocket) shows quarantined frames too: it stores nothing, so it cannot lose them.
            slots.Select(n => n == source.Quarantine || _settings.Sinks[n].Type == "websocket").ToArray(),
            // A file source checkpoints what every sink committed, so its sinks report commits as for ACK n.
            source.Ack || source.Type == SourceType.File);
    }

    private void Watch(IActorRef actor, string name)
    {
        _names[actor] = name;
        Context.Watch(actor);
    }

    /// <summary>
    /// Before a drain no child stops unless its supervision gave up on it (see <see cref="SupervisorStrategy"/>):
    /// said at Error level, and shown as stopped (its PostStop sets the status; here the reason is recorded).
    /// </summary>
    private void StoppedForGood(IActorRef actor)
    {
        if (!_names.Remove(actor, out var name)) return;
        _stoppedForGood.Add(name);
        var reason = "stopped for good after a fault it could not recover from (see the error logged before)";
        if (name.StartsWith("sink ", StringComparison.Ordinal)) _status.Sink(name[5..])?.Stopped(reason);
        else if (name.StartsWith("source ", StringComparison.Ordinal)) _status.Source(name[7..])?.SetState(SourceStates.Stopped, reason);
        // A reload starts a source again (ActorNetService.WillNotTryAgain); sinks and parsers only a restart.
        _log.StoppedForGood(name, reason, name.StartsWith("source ", StringComparison.Ordinal) ? " or the configuration is reloaded" : "");
        // What it held of closed connections would stay counted for ever (FrameBatch.Orphan), and fill the budget of
        // every source as its own sources' connections close.
        if (name.StartsWith("sink ", StringComparison.Ordinal) || name.StartsWith("parser ", StringComparison.Ordinal))
        {
            var released = _budget.ReleaseOrphans();
            if (released > 0) _log.OrphansReleased(name, released);
        }
    }

    protected override void PostStop()
    {
        ActorNetMetrics.ForgetBudget(_budget);
        StatusMetrics.Forget(_status);
        foreach (var source in _settings.Sources.Where(s => _sources.ContainsKey(s.Name)))
            ActorNetMetrics.InflightBytesLimit.Add(-source.MaxInflightBytes, ActorNetMetrics.Source(source.Name));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Drain:
                _drainRequester = Sender;
                _log.Draining();
                StopStage(_sources.Values.ToList(), ConnectionProtocol.Drain.Instance, DrainingSources);
                break;
            case ReloadProtocol.Apply apply:
                StartReload(apply);
                break;
            default:
                if (!HandledWhileRunning(message)) Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// What the guardian does with writes and child faults whether it is running or reloading: writes go on to their
    /// source (a stopping one answers as it drains), a child that stopped is reported.
    /// </summary>
    private bool HandledWhileRunning(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.WriteTo write:
                RouteToSource(write.Source, write, ConnectionProtocol.ConnectionNotFound.Instance);
                return true;
            case ConnectionProtocol.BroadcastTo broadcast:
                RouteToSource(broadcast.Source, new ConnectionProtocol.Broadcast(broadcast.Payload), new ConnectionProtocol.BroadcastSent(0));
                return true;
            case Terminated t when IsClusterFeed(t.ActorRef):
                ClusterFeedStopped(t.ActorRef);
                return true;
            case Terminated t:
                StoppedForGood(t.ActorRef);
                return true;
            case FeedEntityProtocol.FeedStarted or FeedEntityProtocol.FeedReleased:
                ClusterFeedMoved(message);
                return true;
            default:
                return false;
        }
    }

    // Through the guardian rather than an actor selection: a message to the guardian is handled after its
    // PreStart, so a write right after start finds its source, and a missing one is answered, not timed out.
    private void RouteToSource(string source, object message, object whenMissing)
    {
        var child = Context.Child($"source-{source}");
        // A cluster feed runs under its sharded entity, not here.
        if (child.IsNobody() && _clusterFeeds is not null && _sources.TryGetValue(source, out var feed)) child = feed;
        if (child.IsNobody()) Sender.Tell(whenMissing);
        else child.Forward(message);
    }

    /// <summary>While draining nothing is written to peers any more, nor reloaded; callers get an answer, not a timeout.</summary>
    private bool RefusedWrite(object message)
    {
        switch (message)
        {
            case FeedEntityProtocol.FeedStarted started:
                // Sharding placed a feed here while the node drains: it must not read what nobody will deliver.
                started.Feed.Tell(ConnectionProtocol.Drain.Instance);
                return true;
            case FeedEntityProtocol.FeedReleased released:
                _names.Remove(released.Feed);
                return true;
            case ConnectionProtocol.WriteTo:
                Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
                return true;
            case ConnectionProtocol.BroadcastTo:
                Sender.Tell(new ConnectionProtocol.BroadcastSent(0));
                return true;
            case ReloadProtocol.Apply apply:
                // Its sockets were handed over with it: nobody else will close them.
                foreach (var socket in apply.BoundSockets.Values) socket.Dispose();
                Sender.Tell(ReloadProtocol.ShuttingDown.Instance);
                return true;
            default:
                return false;
        }
    }

    private void DrainingSources(object message)
    {
        if (RefusedWrite(message)) return;
        switch (message)
        {
            case ConnectionProtocol.Drained:
                StageMemberDone(Sender, () => StopStage(_parsers.Values.SelectMany(p => p).ToList(), PoisonPill.Instance, DrainingParsers));
                break;
            case Terminated t:
                // A listener that died while draining has nothing left to drain.
                StageMemberDone(t.ActorRef, () => StopStage(_parsers.Values.SelectMany(p => p).ToList(), PoisonPill.Instance, DrainingParsers));
                break;
            case StageEmpty:
                StopStage(_parsers.Values.SelectMany(p => p).ToList(), PoisonPill.Instance, DrainingParsers);
                break;
        }
    }

    private void DrainingParsers(object message)
    {
        if (RefusedWrite(message)) return;
        if (message is Terminated t) StageMemberDone(t.ActorRef, () => StopStage(_sinks.Values.ToList(), PoisonPill.Instance, DrainingSinks));
        else if (message is StageEmpty) StopStage(_sinks.Values.ToList(), PoisonPill.Instance, DrainingSinks);
    }

    private void DrainingSinks(object message)
    {
        if (RefusedWrite(message)) return;
        if (message is Terminated t) StageMemberDone(t.ActorRef, Drained);
        else if (message is StageEmpty) Drained();
    }

    private void StageMemberDone(IActorRef member, Action whenAllDone)
    {
        if (_waitingFor.Remove(member) && _waitingFor.Count == 0) whenAllDone();
    }

    private void Drained()
    {
        if (_stoppedForGood.Count == 0) _log.Drained();
        else _log.DrainedWithLosses(string.Join(", ", _stoppedForGood));
        _drainRequester?.Tell(ConnectionProtocol.Drained.Instance);
        Become(message => RefusedWrite(message));
    }

    private void StopStage(List<IActorRef> stage, object stopMessage, UntypedReceive next)
    {
        _waitingFor.Clear();
        Become(next);
        foreach (var actor in stage)
        {
            _waitingFor.Add(actor);
            Context.Watch(actor);
            actor.Tell(stopMessage, Self);
        }
        // A Terminated of an actor nobody watches would be dropped by Akka: an empty stage says so with its own message.
        if (stage.Count == 0) Self.Tell(StageEmpty.Instance);
    }

    /// <summary>A drain stage with no actors in it is over at once.</summary>
    private sealed class StageEmpty
    {
        public static readonly StageEmpty Instance = new();
    }
}
