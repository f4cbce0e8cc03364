using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Sinks;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Pipeline;

/// <summary>
/// The root of ActorNet's actors. Starts sinks first, then parsers, then listeners (so nothing is accepted
/// before there is somewhere to deliver it), and stops them in the opposite order on <see cref="ConnectionProtocol.Drain"/>:
/// <code>
///   Running --Drain--> DrainingSources --all listeners drained--> DrainingParsers --parsers stopped-->
///   DrainingSinks --sinks flushed and stopped--> Drained (reply)
/// </code>
/// Each stage is stopped with a PoisonPill, which queues behind the batches already sent to it, so every
/// frame read before the drain reaches its sinks.
/// </summary>
internal sealed class ActorNetGuardian : UntypedActor
{
    private readonly ActorNetSettings _settings;
    private readonly ActorNetOptions _options;
    private readonly IReadOnlyDictionary<string, Socket> _boundSockets;
    private readonly ActorNetStatus _status;
    private readonly DescriptorBudget _budget;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _listeners = [];
    private readonly List<IActorRef> _parsers = [];
    private readonly List<IActorRef> _sinks = [];
    private readonly HashSet<IActorRef> _waitingFor = [];
    private IActorRef? _drainRequester;

    public ActorNetGuardian(ActorNetSettings settings, ActorNetOptions options, IReadOnlyDictionary<string, Socket> boundSockets,
        ActorNetStatus status, DescriptorBudget budget)
    {
        _budget = budget;
        _settings = settings;
        _options = options;
        _boundSockets = boundSockets;
        _status = status;
    }

    internal static Props Props(ActorNetSettings settings, ActorNetOptions options, IReadOnlyDictionary<string, Socket> boundSockets,
        ActorNetStatus status, DescriptorBudget budget) =>
        Akka.Actor.Props.Create(() => new ActorNetGuardian(settings, options, boundSockets, status, budget));

    /// <summary>
    /// A sink or parser that throws (a bug: sinks catch their own write errors and retry) is restarted. A sink's
    /// backlog survives it (held batches go to the spool in PostStop, the spool is reopened); the batch being
    /// handled is lost, which its connection sees as a gap in the acknowledgements and never acknowledges past.
    /// The listener keeps its connections across its own restart. Past 10 restarts a minute the actor stops:
    /// readiness then reports the sink as stopped.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), e => e is ActorInitializationException ? Directive.Stop : Directive.Restart);

    protected override void PreStart()
    {
        var sinkRefs = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var name in _settings.Sources.SelectMany(s => s.AllSinks).Distinct())
        {
            var sink = _settings.Sinks[name];
            var actor = Context.ActorOf(SinkActor.Props(sink, _options.SinkTypes[sink.Type], _status.Sink(name)!), $"sink-{name}");
            sinkRefs[name] = actor;
            _sinks.Add(actor);
        }

        foreach (var source in _settings.Sources)
        {
            var slots = source.AllSinks;
            var sourceStatus = _status.Source(source.Name)!;
            var route = new SourceRoute(
                slots.Select(n => sinkRefs[n]).ToArray(),
                slots.Select(n => source.Sinks.Contains(n)).ToArray(),
                // A live tail (websocket) shows quarantined frames too: it stores nothing, so it cannot lose them.
                slots.Select(n => n == source.Quarantine || _settings.Sinks[n].Type == "websocket").ToArray(),
                source.Ack);
            var parsers = Enumerable.Range(0, source.ParserParallelism)
                .Select(i => Context.ActorOf(ParserActor.Props(sourceStatus, _options.Parsers[source.Parser](), route, source.QuarantineRawLimit),
                    $"parser-{source.Name}-{i}"))
                .ToArray();
            _parsers.AddRange(parsers);
            var sourceProps = source.Type == SourceType.TcpConnect
                ? OutboundFeedActor.Props(source, parsers, slots.Count, sourceStatus)
                : ListenerActor.Props(source, _boundSockets[source.Name], parsers, slots.Count, sourceStatus, _budget);
            _listeners.Add(Context.ActorOf(sourceProps, $"source-{source.Name}"));
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Drain:
                _drainRequester = Sender;
                _log.Info("Draining: stop accepting, stop reading, deliver what was read");
                StopStage(_listeners, ConnectionProtocol.Drain.Instance, DrainingSources);
                break;
            case ConnectionProtocol.WriteTo write:
                RouteToSource(write.Source, new ConnectionProtocol.WriteTo(write.Source, write.ConnectionId, write.Payload), ConnectionProtocol.ConnectionNotFound.Instance);
                break;
            case ConnectionProtocol.BroadcastTo broadcast:
                RouteToSource(broadcast.Source, new ConnectionProtocol.Broadcast(broadcast.Payload), new ConnectionProtocol.BroadcastSent(0));
                break;
            case Terminated:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // Through the guardian rather than an actor selection: a message to the guardian is handled after its
    // PreStart, so a write right after start finds its source, and a missing one is answered, not timed out.
    private void RouteToSource(string source, object message, object whenMissing)
    {
        var child = Context.Child($"source-{source}");
        if (child.IsNobody()) Sender.Tell(whenMissing);
        else child.Forward(message);
    }

    /// <summary>While draining nothing is written to peers any more; callers get an answer, not a timeout.</summary>
    private bool RefusedWrite(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.WriteTo:
                Sender.Tell(ConnectionProtocol.ConnectionNotFound.Instance);
                return true;
            case ConnectionProtocol.BroadcastTo:
                Sender.Tell(new ConnectionProtocol.BroadcastSent(0));
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
                _waitingFor.Remove(Sender);
                if (_waitingFor.Count == 0) StopStage(_parsers, PoisonPill.Instance, DrainingParsers);
                break;
            case Terminated t:
                // A listener that died while draining has nothing left to drain.
                _waitingFor.Remove(t.ActorRef);
                if (_waitingFor.Count == 0) StopStage(_parsers, PoisonPill.Instance, DrainingParsers);
                break;
        }
    }

    private void DrainingParsers(object message)
    {
        if (RefusedWrite(message)) return;
        if (message is not Terminated t) return;
        _waitingFor.Remove(t.ActorRef);
        if (_waitingFor.Count == 0) StopStage(_sinks, PoisonPill.Instance, DrainingSinks);
    }

    private void DrainingSinks(object message)
    {
        if (RefusedWrite(message)) return;
        if (message is not Terminated t) return;
        _waitingFor.Remove(t.ActorRef);
        if (_waitingFor.Count > 0) return;
        _log.Info("Drained: every frame read was delivered and every sink flushed");
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
        if (stage.Count == 0) Self.Tell(new Terminated(ActorRefs.Nobody, true, true));
    }
}
