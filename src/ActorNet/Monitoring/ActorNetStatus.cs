using System.Collections.Concurrent;

namespace ActorNet.Monitoring;

/// <summary>
/// The live operational view of one ActorNet instance: its sources, sinks and open connections, for the admin
/// API, the dashboard and health checks. Actors write their own entries (one writer per entry, counters shared
/// by a source's connections are atomic); readers on other threads take snapshots at any time without asking
/// an actor, so a busy or stuck actor never makes the view hang. Per-peer figures live here and not in metric
/// labels, whose cardinality must stay bounded.
/// </summary>
public sealed class ActorNetStatus
{
    private readonly ConcurrentDictionary<string, SourceStatus> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SinkStatus> _sinks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ConnectionStatus> _connections = new();

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    /// <summary>Sources in configuration order.</summary>
    public IReadOnlyList<SourceStatus> Sources => _sources.Values.OrderBy(s => s.Order).ToArray();

    public IReadOnlyList<SinkStatus> Sinks => _sinks.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();

    /// <summary>Open connections, oldest first.</summary>
    public IReadOnlyList<ConnectionStatus> Connections => _connections.Values.OrderBy(c => c.Id).ToArray();

    public int ConnectionCount => _connections.Count;

    public SourceStatus? Source(string name) => _sources.GetValueOrDefault(name);

    public SinkStatus? Sink(string name) => _sinks.GetValueOrDefault(name);

    public ConnectionStatus? Connection(long id) => _connections.GetValueOrDefault(id);

    internal SourceStatus AddSource(string name, string type, string endpoint) =>
        _sources.GetOrAdd(name, _ => new SourceStatus(this, name, type, endpoint, _sources.Count));

    internal SinkStatus AddSink(string name, string type) => _sinks.GetOrAdd(name, _ => new SinkStatus(name, type));

    /// <summary>A reload removed the source; called once its actor and connections are gone.</summary>
    internal void RemoveSource(string name) => _sources.TryRemove(name, out _);

    /// <summary>A reload removed the sink; called once its actor is gone.</summary>
    internal void RemoveSink(string name) => _sinks.TryRemove(name, out _);

    internal void Opened(ConnectionStatus connection)
    {
        _connections[connection.Id] = connection;
        Source(connection.Source)?.ConnectionOpened();
    }

    internal void Closed(long id)
    {
        if (_connections.TryRemove(id, out var connection)) Source(connection.Source)?.ConnectionClosed();
    }
}
