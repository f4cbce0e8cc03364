using System.Net;
using System.Net.Sockets;
using ActorNet.Cluster;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Logging;
using ActorNet.Monitoring;
using Akka.Actor;
using Akka.Event;

namespace ActorNet.Hosting;

/// <summary>
/// ActorNet running inside an <see cref="ActorSystem"/>: usable on its own from any .NET application, or
/// through <c>WithActorNet</c> with Akka.Hosting. <see cref="Start"/> binds every listening socket first, so a
/// port that is taken fails here, synchronously, naming the source and the address.
/// </summary>
public sealed partial class ActorNetService
{
    /// <summary>The Akka configuration ActorNet's actors need (its sink dispatcher).</summary>
    public const string AkkaHocon = """
        actornet-internal.sink-dispatcher {
          # Sinks may block on files and databases: each gets its own thread, away from the socket actors.
          type = PinnedDispatcher
          executor = thread-pool-executor
        }
        """;

    private readonly ActorSystem _system;
    private readonly string _name;
    private readonly ActorNetOptions _options;
    private readonly DescriptorBudget _descriptors;
    private volatile ActorNetSettings _settings;

    private ActorNetService(ActorSystem system, string name, IActorRef guardian, ActorNetSettings settings, ActorNetStatus status,
        LiveTail liveTail, ProcessBudget budget, ActorNetOptions options, DescriptorBudget descriptors)
    {
        _options = options;
        _descriptors = descriptors;
        Budget = budget;
        LiveTail = liveTail;
        _system = system;
        _name = name;
        Guardian = guardian;
        _settings = settings;
        Status = status;
    }

    public IActorRef Guardian { get; }

    /// <summary>The configuration running now: as started, then as the last applied reload left it.</summary>
    public ActorNetSettings Settings => _settings;

    /// <summary>Sources, sinks and open connections as they are now (for the admin API, dashboard and health).</summary>
    public ActorNetStatus Status { get; }

    /// <summary>The bytes all connections of this instance hold together, against actornet.max-buffered-bytes.</summary>
    public ProcessBudget Budget { get; }

    /// <summary>The cluster as this node sees it (members, feed owners, every node's connections); null unless actornet.cluster.enabled.</summary>
    public ClusterView? Cluster { get; private init; }

    /// <summary>The records of this instance's <c>websocket</c> sinks, for live subscribers.</summary>
    public LiveTail LiveTail { get; }

    /// <exception cref="InvalidConfigurationException">A parser or sink type is not registered, or a port cannot be bound.</exception>
    public static ActorNetService Start(ActorSystem system, ActorNetSettings settings, ActorNetOptions? options = null,
        string name = "actornet")
    {
        options ??= new ActorNetOptions();
        if (options.LoggerFactory is { } loggerFactory) ActorNetLogging.Use(system, loggerFactory);
        var errors = new List<string>();
        foreach (var source in settings.Sources.Where(s => !options.Parsers.ContainsKey(s.Parser)))
            errors.Add($"actornet.sources.{source.Name}.parser: \"{source.Parser}\" is not registered; expected one of {string.Join(", ", options.Parsers.Keys)}");
        foreach (var sink in settings.Sinks.Values.Where(s => !options.SinkTypes.ContainsKey(s.Type)))
            errors.Add($"actornet.sinks.{sink.Name}.type: \"{sink.Type}\" is not registered; expected one of {string.Join(", ", options.SinkTypes.Keys)}");
        if (errors.Count > 0) throw new InvalidConfigurationException(errors);

        // Akka's HashedWheelTimerScheduler starts lazily: its first caller queues the timer thread's start on the
        // .NET thread pool and every caller blocks until it runs. If the first timers are set by a burst of new
        // connections (receive timeouts), all pool threads block behind a start that is queued behind them, and
        // ActorNet stalls for tens of seconds while the pool slowly grows. Start it now, while the pool is idle.
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => { });

        var sockets = BindAll(settings);
        DescriptorBudget descriptors;
        try
        {
            descriptors = PlanDescriptors(system, settings);
        }
        catch
        {
            foreach (var socket in sockets.Values) socket.Dispose();
            throw;
        }
        var status = Describe(settings, sockets);
        options.LiveTail.Attach(status);
        if (settings.Http.Enabled) _ = Metrics.PrometheusTextExporter.Shared; // listening before any actor runs: its gauges count from zero
        var budget = new ProcessBudget(settings.MaxBufferedBytes);
        var clusterFeeds = settings.Cluster.Enabled ? new FeedDirectory() : null;
        if (clusterFeeds is not null) ConnectionIds.StartInRandomBlock();
        var guardian = system.ActorOf(ActorNetGuardian.Props(settings, options, sockets, status, descriptors, budget, clusterFeeds), name);
        if (settings.Log.SummaryInterval is { } interval) system.ActorOf(SourceSummaryActor.Props(status, interval), $"{name}-log-summary");
        var cluster = clusterFeeds is null ? null : ClusterFeeds.Start(system, settings, clusterFeeds, status);
        return new ActorNetService(system, name, guardian, settings, status, options.LiveTail, budget, options, descriptors) { Cluster = cluster };
    }

    /// <summary>
    /// Stops accepting and reading, delivers every frame already read to its sinks, flushes them. Completes
    /// when all of that is done; throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        try
        {
            await Guardian.Ask<ConnectionProtocol.Drained>(ConnectionProtocol.Drain.Instance, timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException($"ActorNet did not drain within {timeout} (actornet.shutdown-timeout)", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="payload"/> to connection <paramref name="connectionId"/> as one frame in its source's
    /// framing. True once queued for sending; false when no such connection is open.
    /// </summary>
    /// <exception cref="InvalidOperationException">The payload cannot be framed, or too much is already waiting for that peer.</exception>
    public async Task<bool> SendAsync(long connectionId, ReadOnlyMemory<byte> payload, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(5);
        foreach (var source in Settings.Sources)
        {
            var reply = await Guardian.Ask<object>(new ConnectionProtocol.WriteTo(source.Name, connectionId, payload), wait).ConfigureAwait(false);
            if (reply is ConnectionProtocol.ConnectionNotFound) continue;
            return reply is Status.Failure failure ? throw new InvalidOperationException(failure.Cause.Message, failure.Cause) : true;
        }
        return false;
    }

    /// <summary>
    /// Closes connection <paramref name="connectionId"/> (its frames already read are still delivered); false when no
    /// such connection is open. The close is asynchronous: the connection leaves <see cref="Status"/> once it has stopped.
    /// </summary>
    public bool CloseConnection(long connectionId, string reason = "closed by an operator")
    {
        if (Status.Connection(connectionId) is not { } connection) return false;
        connection.Actor.Tell(new ConnectionProtocol.Close(reason));
        return true;
    }

    /// <summary>Writes <paramref name="payload"/> as one frame to every open connection of <paramref name="source"/>; returns how many.</summary>
    /// <exception cref="ArgumentException">No source has that name.</exception>
    public async Task<int> BroadcastAsync(string source, ReadOnlyMemory<byte> payload, TimeSpan? timeout = null)
    {
        if (Settings.Sources.All(s => s.Name != source)) throw new ArgumentException($"no source is named \"{source}\"", nameof(source));
        var sent = await Guardian
            .Ask<ConnectionProtocol.BroadcastSent>(new ConnectionProtocol.BroadcastTo(source, payload), timeout ?? TimeSpan.FromSeconds(5))
            .ConfigureAwait(false);
        return sent.Connections;
    }

    /// <summary>
    /// Every source and sink in the operational view before any actor starts, so that a caller sees the whole
    /// picture as soon as <see cref="Start"/> returns (states then move on as the actors run).
    /// </summary>
    private static ActorNetStatus Describe(ActorNetSettings settings, IReadOnlyDictionary<string, Socket> sockets)
    {
        var status = new ActorNetStatus();
        foreach (var name in settings.Sources.SelectMany(s => s.AllSinks).Distinct()) status.AddSink(name, settings.Sinks[name].Type);
        foreach (var source in settings.Sources)
            status.AddSource(source.Name, TypeName(source), EndpointOf(source, sockets.GetValueOrDefault(source.Name))).MaxInflightBytes = source.MaxInflightBytes;
        return status;
    }

    internal static string TypeName(SourceSettings source) => source.Type switch
    {
        SourceType.TcpListen => "tcp-listen",
        SourceType.Udp => "udp",
        SourceType.File => "file",
        _ => "tcp-connect",
    };

    /// <summary>The address a listener is bound to (the port the kernel picked for port 0), or the server a feed connects to.</summary>
    internal static string EndpointOf(SourceSettings source, Socket? listenSocket) =>
        listenSocket?.LocalEndPoint?.ToString() ?? source.File?.Path ?? $"{source.Host}:{source.Port}";

    /// <summary>
    /// Checks the sources' max-connections against the descriptors the process may open (RLIMIT_NOFILE, its soft
    /// limit first raised to the hard one): called after binding, so that the listening sockets count as open. Peers
    /// get what is left after the descriptors open now and actornet.fd-reserve; when that is less than the sum of
    /// max-connections a warning names the cap, and when it is nothing at all ActorNet refuses to start.
    /// </summary>
    private static DescriptorBudget PlanDescriptors(ActorSystem system, ActorNetSettings settings)
    {
        var cap = PlanDescriptorCap(system, settings, peersOpen: 0);
        return cap is { } planned ? new DescriptorBudget(planned) : DescriptorBudget.Unlimited();
    }

    /// <summary>
    /// The cap on peers for <paramref name="settings"/>' sources: null when nothing listens or the platform has no
    /// limit. <paramref name="peersOpen"/> descriptors of those open now are peers' (a reload plans with peers
    /// connected), which the cap is for, not taken from it.
    /// </summary>
    private static int? PlanDescriptorCap(ActorSystem system, ActorNetSettings settings, int peersOpen)
    {
        var listening = settings.Sources.Where(s => s.Type == SourceType.TcpListen).ToArray();
        if (listening.Length == 0 || DescriptorLimit.RaiseAndRead() is not { } limit) return null;

        var plan = DescriptorBudget.Plan(limit.Limit, Math.Max(0, DescriptorLimit.CountOpen() - peersOpen), settings.FdReserve,
            feeds: settings.Sources.Count - listening.Length, maxConnections: listening.Sum(s => (long)s.MaxConnections));
        if (plan.Cap == 0)
        {
            throw new InvalidConfigurationException([
                $"actornet.fd-reserve: \"{plan.Reserve}\" leaves no file descriptor for peers: the limit (RLIMIT_NOFILE) is {plan.Limit} " +
                $"and {plan.OpenNow} are open; expected a limit of at least {plan.OpenNow + plan.Reserve + plan.Feeds + 1} " +
                "(LimitNOFILE= in a systemd unit, ulimit -n, docker --ulimit nofile=) or a smaller fd-reserve"]);
        }
        var log = ActorNetLogging.Get(system).Hosting;
        if (limit.Raised) log.DescriptorLimitRaised(limit.Limit);
        if (plan.Capped) log.DescriptorsCapPeers(plan.Limit, plan.MaxConnections, plan.OpenNow, plan.Reserve, plan.Cap, plan.Needed);
        return plan.Cap;
    }

    private static Dictionary<string, Socket> BindAll(ActorNetSettings settings)
    {
        var sockets = new Dictionary<string, Socket>(StringComparer.Ordinal);
        try
        {
            foreach (var source in settings.Sources.Where(s => s.Type is SourceType.TcpListen or SourceType.Udp))
                sockets[source.Name] = Bind(source);
            return sockets;
        }
        catch
        {
            foreach (var socket in sockets.Values) socket.Dispose();
            throw;
        }
    }

    internal static Socket Bind(SourceSettings source)
    {
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(source.Host, out var parsed) ? parsed : Dns.GetHostAddresses(source.Host)[0];
        }
        catch (Exception e) when (e is SocketException or IndexOutOfRangeException)
        {
            throw new InvalidConfigurationException([$"actornet.sources.{source.Name}.host: \"{source.Host}\" does not resolve to an address ({e.Message})"]);
        }

        if (source.Type == SourceType.Udp) return Connections.Udp.UdpSocketBinder.Bind(source, address);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Lets a restarted ActorNet rebind while old connections sit in TIME_WAIT (Linux semantics:
            // it does not allow two live listeners on one port).
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            // host = "::" takes IPv4 peers as well (seen as ::ffff:a.b.c.d), as on most servers; .NET would make the
            // socket IPv6-only, refusing every IPv4 device with no word in the log.
            if (address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.Bind(new IPEndPoint(address, source.Port));
            socket.Listen(Math.Min(source.MaxConnections, 4096));
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidConfigurationException([$"actornet.sources.{source.Name}: cannot listen on {address}:{source.Port}: {e.Message}"]);
        }
    }
}
