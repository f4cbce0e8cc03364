using ActorNet.Configuration;
using ActorNet.Monitoring;
using ActorNet.Parsing;
using ActorNet.Sinks;
using Microsoft.Extensions.Logging;

namespace ActorNet.Hosting;

/// <summary>
/// What an embedding application plugs in: parsers for vendor formats and sink types for its own stores.
/// Names registered here may be used in the configuration (<c>parser = my-format</c>, <c>type = my-store</c>).
/// </summary>
public sealed class ActorNetOptions
{
    private readonly Dictionary<string, Func<IFrameParser>> _parsers = new(StringComparer.Ordinal)
    {
        ["text"] = () => new TextParser(),
        ["json"] = () => new JsonParser(),
        ["binary"] = () => new BinaryParser(),
    };

    private readonly Dictionary<string, Func<SinkSettings, IFrameSink>> _sinkTypes = new(StringComparer.Ordinal)
    {
        ["jsonl"] = s => new JsonlSink(s),
        ["sqlite"] = s => new SqliteSink(s),
        ["postgres"] = s => new PostgresSink(s.ConnectionString, s.Table),
        ["console"] = _ => new ConsoleSink(),
        ["blackhole"] = _ => new BlackholeSink(),
    };

    private readonly List<Action<ActorNetService>> _onStarted = [];

    public ActorNetOptions() => _sinkTypes["websocket"] = s => new WebSocketSink(s, LiveTail);

    /// <summary>Where <c>websocket</c> sinks publish their records (the dashboard's live tail, <c>/ws/tail</c>).</summary>
    public LiveTail LiveTail { get; } = new();

    public IReadOnlyDictionary<string, Func<IFrameParser>> Parsers => _parsers;

    /// <summary>Called with the running service once <c>WithActorNet</c> has started it (e.g. to serve its status over HTTP).</summary>
    public ActorNetOptions OnStarted(Action<ActorNetService> callback)
    {
        _onStarted.Add(callback);
        return this;
    }

    internal IReadOnlyList<Action<ActorNetService>> StartedCallbacks => _onStarted;

    /// <summary>
    /// Where ActorNet's components log (one category each, see <c>LogCategories</c>); null until
    /// <see cref="UseLoggerFactory"/>. Without one, <c>WithActorNet</c> takes the host's <see cref="ILoggerFactory"/>,
    /// and <c>ActorNetService.Start</c> logs through the actor system's own logging.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; private set; }

    public ActorNetOptions UseLoggerFactory(ILoggerFactory factory)
    {
        LoggerFactory = factory;
        return this;
    }

    /// <summary>
    /// Where <see cref="ActorNetService.ReloadAsync"/> reads the configuration again: the user's file overlaid on the
    /// reference configuration, as at start-up (<c>actornet run --config FILE</c> passes its file). Without it, an
    /// instance started from configuration in code has nothing to re-read and a reload says so.
    /// </summary>
    public ActorNetOptions ReloadFrom(Func<Akka.Configuration.Config> load)
    {
        ReloadSource = load;
        return this;
    }

    internal Func<Akka.Configuration.Config>? ReloadSource { get; private set; }

    public IReadOnlyDictionary<string, Func<SinkSettings, IFrameSink>> SinkTypes => _sinkTypes;

    /// <summary>Registers a parser; <paramref name="factory"/> is called once per parser actor.</summary>
    public ActorNetOptions AddParser(string name, Func<IFrameParser> factory)
    {
        _parsers[name] = factory;
        return this;
    }

    /// <summary>Registers a sink type; <paramref name="factory"/> is called when the sink actor starts (and restarts).</summary>
    public ActorNetOptions AddSinkType(string type, Func<SinkSettings, IFrameSink> factory)
    {
        _sinkTypes[type] = factory;
        return this;
    }
}
