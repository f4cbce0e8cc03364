using System.Collections.Concurrent;
using ActorNet.Configuration;
using ActorNet.Logging;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorNet.Recording;

/// <summary>
/// The recorders of an actor system's sources, one per source with recording on, shared by its connections. An Akka
/// extension, so that connection actors deep in the tree reach theirs without every Props passing it down (as
/// <see cref="ActorNetLogging"/>). A reload that changes a source's record block replaces its recorder (the old one
/// writes what it has queued and closes); the system's termination closes them all.
/// </summary>
public sealed class Recorders : IExtension
{
    private readonly ConcurrentDictionary<string, SourceRecorder> _bySource = new(StringComparer.Ordinal);
    private readonly ILogger _log;
    private readonly object _gate = new();

    private Recorders(ActorSystem system)
    {
        _log = ActorNetLogging.Get(system).Factory.CreateLogger(RecordingLog.Category);
        system.RegisterOnTermination(() =>
        {
            foreach (var recorder in _bySource.Values) recorder.Dispose();
        });
    }

    /// <summary>The recorder of <paramref name="source"/>, or null when its recording is off.</summary>
    public static SourceRecorder? For(ActorSystem system, SourceSettings source) =>
        source.Record.Enabled ? system.WithExtension<Recorders, Id>().For(source) : null;

    private SourceRecorder For(SourceSettings source)
    {
        if (_bySource.TryGetValue(source.Name, out var recorder) && recorder.Settings == source.Record) return recorder;
        lock (_gate)
        {
            if (_bySource.TryGetValue(source.Name, out recorder))
            {
                if (recorder.Settings == source.Record) return recorder;
                recorder.Dispose();
            }
            recorder = new SourceRecorder(source.Name, source.Record, _log);
            _bySource[source.Name] = recorder;
            return recorder;
        }
    }

    private sealed class Id : ExtensionIdProvider<Recorders>
    {
        public override Recorders CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
