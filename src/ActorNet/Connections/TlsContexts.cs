using System.Collections.Concurrent;
using ActorNet.Configuration;
using ActorNet.Logging;
using Akka.Actor;

namespace ActorNet.Connections;

/// <summary>
/// The <see cref="SourceTls"/> of an actor system's sources, one per source with TLS on, shared by its connections
/// (certificates are read once, not per connection). An Akka extension, as <see cref="Recording.Recorders"/>, so that
/// connection actors reach theirs without every Props passing it down. A reload that changes a source's tls block
/// replaces it; established sessions keep what they were made with.
/// </summary>
internal sealed class TlsContexts : IExtension
{
    private readonly ConcurrentDictionary<string, SourceTls> _bySource = new(StringComparer.Ordinal);
    private readonly Microsoft.Extensions.Logging.ILogger _log;
    private readonly object _gate = new();

    private TlsContexts(ActorSystem system) => _log = ActorNetLogging.Get(system).Connection;

    /// <summary>The TLS of <paramref name="source"/>, or null when its tls is off.</summary>
    public static SourceTls? For(ActorSystem system, SourceSettings source) =>
        source.Tls.Enabled ? system.WithExtension<TlsContexts, Id>().For(source) : null;

    private SourceTls For(SourceSettings source)
    {
        if (_bySource.TryGetValue(source.Name, out var tls) && tls.Settings == source.Tls) return tls;
        lock (_gate)
        {
            if (_bySource.TryGetValue(source.Name, out tls) && tls.Settings == source.Tls) return tls;
            tls = new SourceTls(source, _log);
            _bySource[source.Name] = tls;
            return tls;
        }
    }

    private sealed class Id : ExtensionIdProvider<TlsContexts>
    {
        public override TlsContexts CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
