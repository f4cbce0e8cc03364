using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Hosting.Reload;
using ActorNet.Metrics;
using ActorNet.Monitoring;
using ActorNet.Pipeline;
using Akka.Actor;

namespace ActorNet.Hosting;

/// <summary>
/// A reload, in the order of the shutdown drain but only for what changed, so that it loses nothing either:
/// <code>
///   Running --Apply--> ReloadStoppingSources: removed and restarted sources drain (stop accepting and reading,
///                        hand in what they read, close their peers) and stop; the parsers of rerouted sources hold
///                  --all stopped and holding--> ReloadStoppingParsers: the stopped sources' parsers stop (PoisonPill:
///                        after the batches queued to them)
///                  --parsers gone--> ReloadStoppingSinks: removed and restarted sinks flush and stop (PoisonPill:
///                        after every batch sent to them, which the two stages before made final)
///                  --sinks gone--> new sinks, then new sources, then the held parsers resume on the new sinks
///                  --> Running (Applied replied)
/// </code>
/// Old and new sink never run at once (they would share a file, a table or a spool directory). A shutdown
/// (<see cref="ConnectionProtocol.Drain"/>) or another reload that arrives meanwhile waits in the stash until the
/// reload is over. Actors stopped by a reload are forgotten before they stop, so they are not reported as stopped for good.
/// </summary>
internal sealed partial class ActorNetGuardian
{
    private ReloadProtocol.Apply? _reload;
    private IActorRef? _reloadRequester;

    private void StartReload(ReloadProtocol.Apply apply)
    {
        _reload = apply;
        _reloadRequester = Sender;
        var change = apply.Change;
        // A source missing here never started (its address could not be bound at an earlier reload): nothing to stop.
        var holding = change.Rerouted.SelectMany(name => _parsers.GetValueOrDefault(name) ?? []).ToList();
        var stopping = change.Sources.Stopping.Where(_sources.ContainsKey).Select(name => _sources[name]).ToList();
        ReloadStage(stopping, ConnectionProtocol.Drain.Instance, ReloadStoppingSources, sayWhenEmpty: false);
        foreach (var parser in holding)
        {
            _waitingFor.Add(parser);
            // A parser that stopped for good earlier will never answer: watching it again delivers its Terminated.
            Context.Watch(parser);
            parser.Tell(ParserProtocol.Hold.Instance);
        }
        if (_waitingFor.Count == 0) Self.Tell(StageEmpty.Instance);
    }

    private void ReloadStoppingSources(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Drained:
                // Drained: every connection of the source is gone and what it read is with its parsers. Stop the
                // source itself, so that its name is free for the new one.
                Context.Stop(Sender);
                break;
            case ParserProtocol.Holding:
                ReloadMemberDone(Sender, StopReloadedParsers);
                break;
            case Terminated t when _waitingFor.Contains(t.ActorRef):
                // A stopped source (after Drained, or one that had stopped for good before), or a holding parser that died.
                ReloadMemberDone(t.ActorRef, StopReloadedParsers);
                break;
            case StageEmpty:
                StopReloadedParsers();
                break;
            default:
                WhileReloading(message);
                break;
        }
    }

    private void StopReloadedParsers() =>
        ReloadStage(_reload!.Change.Sources.Stopping.SelectMany(name => _parsers.GetValueOrDefault(name) ?? []).ToList(), PoisonPill.Instance,
            ReloadStoppingParsers);

    private void ReloadStoppingParsers(object message)
    {
        switch (message)
        {
            case Terminated t when _waitingFor.Contains(t.ActorRef):
                ReloadMemberDone(t.ActorRef, StopReloadedSinks);
                break;
            case StageEmpty:
                StopReloadedSinks();
                break;
            default:
                WhileReloading(message);
                break;
        }
    }

    private void StopReloadedSinks() =>
        ReloadStage(_reload!.Change.Sinks.Stopping.Select(name => _sinks[name]).ToList(), PoisonPill.Instance, ReloadStoppingSinks);

    private void ReloadStoppingSinks(object message)
    {
        switch (message)
        {
            case Terminated t when _waitingFor.Contains(t.ActorRef):
                ReloadMemberDone(t.ActorRef, FinishReload);
                break;
            case StageEmpty:
                FinishReload();
                break;
            default:
                WhileReloading(message);
                break;
        }
    }

    /// <summary>
    /// What every reload phase does with messages that are not its own: writes go on to the sources (a stopping one
    /// answers as it drains), a child's fault is reported as ever, a shutdown or another reload waits its turn.
    /// </summary>
    private void WhileReloading(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.Drain or ReloadProtocol.Apply:
                Stash.Stash();
                break;
            default:
                if (!HandledWhileRunning(message)) Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Tells every actor of <paramref name="stage"/> <paramref name="stopMessage"/> and waits for each to terminate
    /// (a source first answers Drained and is then stopped). Each is forgotten first: this stop is no fault.
    /// </summary>
    private void ReloadStage(List<IActorRef> stage, object stopMessage, UntypedReceive next, bool sayWhenEmpty = true)
    {
        _waitingFor.Clear();
        Become(next);
        foreach (var actor in stage)
        {
            _names.Remove(actor);
            _waitingFor.Add(actor);
            // Watching an actor that is already gone (stopped for good earlier) delivers its Terminated at once.
            Context.Watch(actor);
            actor.Tell(stopMessage, Self);
        }
        // A Terminated of an actor nobody watches would be dropped by Akka: an empty stage says so with its own message.
        // (StartReload adds the holding parsers to the first stage, and says it is empty itself.)
        if (stage.Count == 0 && sayWhenEmpty) Self.Tell(StageEmpty.Instance);
    }

    private void ReloadMemberDone(IActorRef member, Action whenAllDone)
    {
        if (_waitingFor.Remove(member) && _waitingFor.Count == 0) whenAllDone();
    }

    /// <summary>Everything to stop has stopped: bring the operational view up to date and start what is new.</summary>
    private void FinishReload()
    {
        var (next, change, sockets) = (_reload!.Next, _reload.Change, _reload.BoundSockets);
        var running = _settings;
        var failures = new List<string>();

        foreach (var name in change.Sources.Stopping)
        {
            if (!_sources.Remove(name)) continue;
            _parsers.Remove(name);
            var old = running.Sources.First(s => s.Name == name);
            ActorNetMetrics.InflightBytesLimit.Add(-old.MaxInflightBytes, ActorNetMetrics.Source(name));
        }
        foreach (var name in change.Sources.Removed) _status.RemoveSource(name);
        foreach (var name in change.Sinks.Stopping) _sinks.Remove(name);
        foreach (var name in change.Sinks.Removed) _status.RemoveSink(name);

        _settings = next;
        foreach (var name in change.Sinks.Starting)
        {
            var sink = next.Sinks[name];
            _status.AddSink(name, sink.Type).Type = sink.Type;
            StartSink(sink);
        }

        var starting = change.Sources.Starting.ToHashSet(StringComparer.Ordinal);
        // Started afresh: a source that had stopped for good no longer counts among the losses a drain reports.
        _stoppedForGood.RemoveAll(name => name.StartsWith("source ", StringComparison.Ordinal) && starting.Contains(name[7..]));
        foreach (var source in next.Sources.Where(s => starting.Contains(s.Name)))
        {
            var socket = sockets.GetValueOrDefault(source.Name);
            if (socket is null && source.Type is (SourceType.TcpListen or SourceType.Udp) && !TryBind(source, out socket, failures)) continue;
            var status = _status.AddSource(source.Name, ActorNetService.TypeName(source), ActorNetService.EndpointOf(source, socket));
            status.Type = ActorNetService.TypeName(source);
            status.Endpoint = ActorNetService.EndpointOf(source, socket);
            status.MaxInflightBytes = source.MaxInflightBytes;
            status.SetState(SourceStates.Starting);
            ActorNetMetrics.InflightBytesLimit.Add(source.MaxInflightBytes, ActorNetMetrics.Source(source.Name));
            StartSource(source, socket);
        }

        foreach (var name in change.Rerouted)
        {
            var route = RouteOf(next.Sources.First(s => s.Name == name));
            foreach (var parser in _parsers.GetValueOrDefault(name) ?? []) parser.Tell(new ParserProtocol.Resume(route));
        }

        for (var i = 0; i < next.Sources.Count; i++)
            if (_status.Source(next.Sources[i].Name) is { } status) status.Order = i;

        _reloadRequester?.Tell(new ReloadProtocol.Applied(failures));
        _reload = null;
        _reloadRequester = null;
        _waitingFor.Clear();
        Become(OnReceive);
        Stash.UnstashAll();
    }

    /// <summary>
    /// Binds the address a stopping source has just let go of (see <see cref="ConfigurationChange.BindsAfterDrain"/>).
    /// Should another process have taken it meanwhile, the source stays stopped, said at Error level and in the reply.
    /// </summary>
    private bool TryBind(SourceSettings source, out Socket? socket, List<string> failures)
    {
        try
        {
            socket = ActorNetService.Bind(source);
            return true;
        }
        catch (InvalidConfigurationException e)
        {
            socket = null;
            var reason = string.Join("; ", e.Errors);
            failures.Add(reason);
            _status.AddSource(source.Name, ActorNetService.TypeName(source), $"{source.Host}:{source.Port}").SetState(SourceStates.Stopped, reason);
            _log.ReloadedSourceNotStarted(source.Name, reason);
            return false;
        }
    }
}
