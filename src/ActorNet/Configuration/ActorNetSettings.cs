using System.Globalization;
using System.Reflection;
using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNet.Configuration;

/// <summary>
/// The whole <c>actornet</c> block, parsed and validated once at start-up. Everything downstream reads these
/// typed values, never the HOCON.
/// </summary>
public sealed record ActorNetSettings(
    TimeSpan ShutdownTimeout,
    IReadOnlyList<SourceSettings> Sources,
    IReadOnlyDictionary<string, SinkSettings> Sinks,
    HttpSettings Http,
    long MaxBufferedBytes)
{
    /// <summary>File descriptors kept free of peers for the process itself (actornet.fd-reserve).</summary>
    public int FdReserve { get; init; }

    /// <summary>actornet.otlp: the push of the metrics to an OpenTelemetry collector (off unless an endpoint is set).</summary>
    public OtlpSettings Otlp { get; init; } = OtlpSettings.Off;
    /// <summary>How ActorNet logs (actornet.log).</summary>
    public LogSettings Log { get; init; } = LogSettings.Reference;
    /// <summary>actornet.cluster: whether and how this process is one node of a cluster.</summary>
    public ClusterSettings Cluster { get; init; } = ClusterSettings.Off;

    public static readonly IReadOnlyCollection<string> BuiltInParsers = ["text", "json", "binary"];
    public static readonly IReadOnlyCollection<string> BuiltInSinkTypes = ["jsonl", "sqlite", "postgres", "console", "blackhole", "websocket"];

    private static readonly Dictionary<string, SourceType> SourceTypes = new() { ["tcp-listen"] = SourceType.TcpListen, ["tcp-connect"] = SourceType.TcpConnect, ["udp"] = SourceType.Udp, ["file"] = SourceType.File };
    private static readonly HashSet<string> FramingTypes = ["delimiter", "length-field", "fixed", "raw"];

    // The field sizes LengthFieldFrameDecoder can read, as in Netty.
    private static readonly Dictionary<string, int> LengthFieldLengths = new() { ["1"] = 1, ["2"] = 2, ["3"] = 3, ["4"] = 4, ["8"] = 8 };
    private static readonly Dictionary<string, bool> ByteOrders = new() { ["big-endian"] = true, ["little-endian"] = false };

    // Akka's parser reads a configuration file in milliseconds; only a loop takes seconds.
    internal static readonly TimeSpan ParseTimeLimit = TimeSpan.FromSeconds(5);

    /// <summary>The embedded reference.conf: every key with its default.</summary>
    public static Config Reference { get; } = ConfigurationFactory.ParseString(ReadResource("ActorNet.reference.conf"));

    /// <summary>The embedded configuration <c>actornet run</c> uses without --config.</summary>
    public static Config EmbeddedDefault { get; } = ConfigurationFactory.ParseString(ReadResource("ActorNet.default.conf"));

    /// <summary>Parses HOCON text overlaid on the reference configuration and validates it.</summary>
    public static ActorNetSettings Parse(string hocon) => Create(ParseOverlay(hocon));

    /// <summary>
    /// HOCON text overlaid on the reference configuration; a syntax error names the problem. <c>${VAR}</c> and
    /// <c>${?VAR}</c> are read from the environment (see <see cref="HoconSubstitutions"/>).
    /// </summary>
    /// <remarks>
    /// Text has no file for an <c>include</c> to be relative to: a directive is refused, naming
    /// <see cref="ParseOverlayFile"/>, which follows them.
    /// </remarks>
    public static Config ParseOverlay(string hocon)
    {
        // Akka's parser accepts unbalanced brackets and unterminated strings (dropping or inventing structure), and
        // loops forever on some of them: check those first.
        if (HoconSyntaxCheck.FindError(hocon) is { } error)
            throw new InvalidConfigurationException([$"HOCON syntax error: {error}"]);
        var includes = HoconIncludeScanner.Find(hocon).Directives;
        if (includes.Count > 0)
        {
            throw new InvalidConfigurationException(includes
                .Select(d => $"line {d.Line}: {d.Text}: configuration text has no file for an include to be relative to; " +
                    "expected the configuration in a file (ActorNetSettings.ParseOverlayFile)")
                .ToArray());
        }
        return ParseUser(hocon, HoconSourceMap.ForText(hocon)).WithFallback(Reference);
    }

    /// <summary>
    /// The HOCON file <paramref name="path"/> overlaid on the reference configuration, its <c>include</c> directives
    /// replaced by the files they name (see reference.conf); every error names the file it is in.
    /// </summary>
    public static Config ParseOverlayFile(string path) => ParseFile(path).WithFallback(Reference);

    /// <summary>
    /// The HOCON file <paramref name="path"/> alone, not overlaid on the reference configuration: what the file itself
    /// defines (<c>check-config</c> marks everything else as a default). Parsed and checked as by <see cref="ParseOverlayFile"/>.
    /// </summary>
    public static Config ParseFile(string path)
    {
        var (hocon, errors, map) = HoconIncludes.ExpandWithMap(path);
        if (errors.Count > 0) throw new InvalidConfigurationException(errors);
        return ParseUser(hocon, map);
    }

    /// <summary>
    /// Text whose brackets are balanced and whose includes are expanded, its substitutions resolved (see
    /// <see cref="HoconSubstitutions"/>) and parsed; <paramref name="map"/> says where each part of it was written.
    /// </summary>
    private static Config ParseUser(string hocon, HoconSourceMap map)
    {
        Config Parse(string text) => ParseWithin(text, t => ConfigurationFactory.ParseString(t, UnexpectedInclude), ParseTimeLimit,
            line => map.Place(HoconParserErrors.LineStart(hocon, line)));

        var separated = HoconObjectCommas.Separate(hocon);
        var resolved = HoconSubstitutions.Resolve(separated, map, Parse, Reference, Environment.GetEnvironmentVariable);
        var user = Parse(resolved.Text);
        // Before WithFallback, whose merge would overflow the stack on a value that contains itself.
        RejectSelfReference(user);
        ConfigRoots.DropSubstitutionSources(user, resolved.KeptPaths);
        return user;
    }

    // Every directive HoconIncludeScanner finds is gone before Akka's parser runs. Akka's tokenizer also takes
    // `include "name"` where the scanner sees no field starting (`a { } include "b"`): refused, since what Akka would
    // make of it is not what the scanner promises. Without a callback Akka throws a NullReferenceException.
    private static HoconRoot UnexpectedInclude(string name) =>
        throw new FormatException($"include \"{name}\" where no field starts; expected an include first on its line, or after '{{' or ','");

    private static void RejectSelfReference(Config config)
    {
        if (config.Root is { } root && HoconSelfReference.Find(root) is { } cycle)
            throw new InvalidConfigurationException([$"HOCON syntax error: {cycle}"]);
    }

    /// <summary>
    /// <paramref name="parse"/> run on a thread of its own and given up after <paramref name="limit"/>: a safety net
    /// for inputs that send Akka's parser into a loop which <see cref="HoconSyntaxCheck"/> does not foresee.
    /// </summary>
    /// <remarks>
    /// A dedicated thread rather than the thread pool: a start-up that blocks pool threads elsewhere must not starve
    /// the parser into a false timeout. The parser cannot be cancelled, so after a timeout its thread keeps looping
    /// (and, in the loops seen so far, allocating) until the process exits, which a configuration error at start-up
    /// leads to anyway; being a background thread it does not hold the process up.
    /// </remarks>
    /// <param name="placeOfLine">Where a line (0-based) of <paramref name="hocon"/> was written, for Akka's errors that name a position.</param>
    internal static Config ParseWithin(string hocon, Func<string, Config> parse, TimeSpan limit, Func<int, string>? placeOfLine = null)
    {
        Config? parsed = null;
        Exception? failure = null;
        var parser = new Thread(() =>
        {
            try
            {
                parsed = parse(hocon);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "actornet-hocon-parser" };
        parser.Start();

        if (!parser.Join(limit))
        {
            throw new InvalidConfigurationException([
                $"HOCON syntax error: the parser did not finish within {HoconUnits.Duration(limit)}; " +
                "expected balanced brackets and strings (look for a list or block left open)"]);
        }
        if (failure is not null)
        {
            var message = placeOfLine is null ? failure.Message : HoconParserErrors.Describe(failure.Message, hocon, placeOfLine);
            throw new InvalidConfigurationException([$"HOCON syntax error: {message}"]);
        }
        return parsed!;
    }

    public static ActorNetSettings Create(Config config) => Create(config, BuiltInParsers, BuiltInSinkTypes);

    /// <summary>
    /// Validates every key of <paramref name="config"/> (the user's keys overlaid on <see cref="Reference"/>).
    /// <paramref name="parsers"/> and <paramref name="sinkTypes"/> are the names that may be used, built-in
    /// and registered by the embedding application.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">One or more keys are unknown or have bad values.</exception>
    public static ActorNetSettings Create(Config config, IReadOnlyCollection<string> parsers, IReadOnlyCollection<string> sinkTypes)
    {
        // Callers that built the Config themselves have not been through ParseOverlay's checks.
        RejectSelfReference(config);
        var errors = new List<string>();
        var top = config.Root is { } value && value.IsObject() ? value.GetObject() : new HoconObject();
        ConfigRoots.RejectUnknown(top, errors);
        var root = new ConfigSection("", top, errors).Block("actornet", "{ sources { sensors { port = 7000 } } }");
        if (root is null) throw new InvalidConfigurationException(errors);
        var reference = Reference.GetConfig("actornet").Root.GetObject();

        ConfigSection.RejectUnknownKeys("actornet", root, reference, errors, entries: new HashSet<string> { "sources", "sinks" });

        var section = new ConfigSection("actornet", root, errors);
        var shutdownTimeout = section.RequiredDuration("shutdown-timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        // Below 128 the reserve does not even hold what the host opens after the check (~80, with HTTP on).
        var fdReserve = section.Int("fd-reserve", 128, 1_000_000);
        var maxBufferedBytes = section.LongSize("max-buffered-bytes", 512, 1L << 50);

        var referenceSinkDefaults = reference.GetKey("sink-defaults").GetObject();
        var sinkDefaults = section.Block("sink-defaults", "{ flush-interval = 1s }") ?? referenceSinkDefaults;
        var sinks = new Dictionary<string, SinkSettings>(StringComparer.Ordinal);
        foreach (var (name, block) in section.Entries("sinks", "{ file { type = jsonl, path = \"data/frames.jsonl\" } }",
                     "{ type = jsonl, path = \"data/frames.jsonl\" }"))
        {
            var path = $"actornet.sinks.{ConfigKeyText.Segment(name)}";
            ConfigSection.RejectUnknownKeys(path, block, referenceSinkDefaults, errors);
            sinks[name] = ReadSink(name, ConfigSection.Overlay(path, block, sinkDefaults, errors), sinkTypes);
        }

        var referenceSourceDefaults = reference.GetKey("source-defaults").GetObject();
        var sourceDefaults = section.Block("source-defaults", "{ max-connections = 1000 }") ?? referenceSourceDefaults;
        var sources = new List<SourceSettings>();
        foreach (var (name, block) in section.Entries("sources", "{ sensors { port = 7000 } }", "{ type = tcp-listen, port = 7000 }"))
        {
            var path = $"actornet.sources.{ConfigKeyText.Segment(name)}";
            ConfigSection.RejectUnknownKeys(path, block, referenceSourceDefaults, errors);
            sources.Add(ReadSource(name, ConfigSection.Overlay(path, block, sourceDefaults, errors), parsers, sinks));
        }
        // ActorNet without a source reads nothing, and a mistake is the likelier reason: a source left out, or an
        // include of a file that does not exist, which HOCON ignores unless it is required(...).
        if (sources.Count == 0 && section.Valid("sources"))
        {
            errors.Add("actornet.sources: no source is defined; expected at least one, such as actornet.sources.sensors { port = 7000 } " +
                "(an include of a missing file is ignored unless written include required(file(\"...\")))");
        }

        foreach (var group in sources.Where(s => s.Port != 0 && s.Type is (SourceType.TcpListen or SourceType.Udp)).GroupBy(s => (s.Type, s.Host, s.Port)).Where(g => g.Count() > 1))
            errors.Add($"actornet.sources: {string.Join(" and ", group.Select(s => s.Name))} both listen on {group.Key.Host}:{group.Key.Port}; expected one source per address");

        // The process budget must hold one read of any source, or that source's connections would wait for one another for ever.
        if (section.Valid("max-buffered-bytes") && sources.Where(s => s.ReadBufferSize > maxBufferedBytes).MaxBy(s => s.ReadBufferSize) is { } widest)
        {
            section.Error("max-buffered-bytes", section.Text("max-buffered-bytes", "")!,
                $"at least the largest read-buffer-size ({HoconUnits.Size(widest.ReadBufferSize)}, source {widest.Name}): every read is reserved in this budget first");
        }

        var http = ReadHttp(section.Section("http", "{ enabled = on, host = 127.0.0.1, port = 8080 }"));
        var otlp = OtlpSettings.Read(section.Section("otlp", "{ endpoint = \"http://127.0.0.1:4318\", protocol = http/protobuf }"));
        var log = LogSettings.Read(section.Section("log", "{ level = info, format = text }"));
        var cluster = ClusterSettings.Read(section.Section("cluster", "{ enabled = on, seed-nodes = [ \"akka.tcp://actornet@127.0.0.1:4053\" ] }"));

        if (errors.Count > 0) throw new InvalidConfigurationException(errors);
        return new ActorNetSettings(shutdownTimeout, sources, sinks, http, maxBufferedBytes) { FdReserve = fdReserve, Otlp = otlp, Log = log, Cluster = cluster };
    }

    private static HttpSettings ReadHttp(ConfigSection h)
    {
        var enabled = h.Bool("enabled");
        var host = h.String("host", "an IP address to bind, such as 127.0.0.1");
        if (host.Length > 0 && host != "localhost" && !System.Net.IPAddress.TryParse(host, out _))
            h.Error("host", host, "an IP address to bind (such as 127.0.0.1, ::1 or 0.0.0.0) or localhost");
        var port = h.Int("port", 0, 65535);
        var token = h.Text("admin-token", "a secret string, or \"\" for none") ?? "";
        // The admin API closes connections: open to the network it must not be open to everyone.
        var loopback = host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
        if (enabled && host.Length > 0 && !loopback && token.Length == 0)
            h.Error("admin-token", "", $"a token when http.host ({host}) is not a loopback address");
        var origins = new List<string>();
        foreach (var text in h.StringList("allowed-origins", "a list of quoted origins such as [ \"https://actornet.example.com\" ], or [ ]") ?? [])
        {
            if (HttpSettings.NormaliseOrigin(text) is not { } normal)
                h.Error("allowed-origins", text, "an origin such as \"https://actornet.example.com\": http or https, a host and an optional port; no path, query or fragment");
            else if (!origins.Contains(normal)) origins.Add(normal);
        }
        return new HttpSettings(enabled, host, port, token) { AllowedOrigins = origins.ToArray() };
    }

    private static SinkSettings ReadSink(string name, ConfigSection s, IReadOnlyCollection<string> sinkTypes)
    {
        var type = s.OneOf("type", sinkTypes);
        var path = s.Text("path", "the file a jsonl sink appends to");
        if (type is "jsonl" or "sqlite" && path is "") s.Error("path", null, $"is missing; expected the file a {type} sink writes to");
        var table = s.Text("table", "a table name of letters, digits and '_'") ?? "frames";
        if (table.Length == 0 || !table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(table[0]))
            s.Error("table", table, "a table name of letters, digits and '_', not starting with a digit");
        var connectionString = s.Text("connection-string", "an Npgsql connection string such as \"Host=127.0.0.1;Username=actornet;Database=actornet\"") ?? "";
        if (type == "postgres" && table.Length > 49)
            s.Error("table", table, "at most 49 characters for postgres (its index name adds 14 to PostgreSQL's limit of 63)");
        if (connectionString.Length > 0)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException e)
            {
                // The value is not echoed: it may hold a password.
                s.Error("connection-string", null, $"is not valid; expected an Npgsql connection string ({e.Message})");
            }
        }
        if (type == "postgres" && connectionString.Length == 0)
            s.Error("connection-string", null, "is missing; expected an Npgsql connection string such as \"Host=127.0.0.1;Username=actornet;Database=actornet\"");
        var spoolDir = s.Text("spool-dir", "a directory for the sink's on-disk spool, or \"\" for none") ?? "";
        var maxSpool = s.LongSize("max-spool-size", 1024 * 1024, 1L << 60);
        var probe = s.RequiredDuration("probe-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        var subscriberBuffer = s.Int("subscriber-buffer", 1, 1_000_000);
        return new SinkSettings(name, type, path ?? "",
            s.Size("buffer-size", 4 * 1024, 64 * 1024 * 1024),
            s.RequiredDuration("flush-interval", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            s.Bool("dedicated-thread"))
        {
            Table = table,
            ConnectionString = connectionString,
            SpoolDir = spoolDir,
            MaxSpoolSize = maxSpool,
            ProbeInterval = probe,
            SubscriberBuffer = subscriberBuffer,
        };
    }

    private const string AutoInflightBytesMeans =
        "one read-buffer-size per tcp-listen or tcp-connect connection, four for a udp or file source";

    /// <summary>
    /// <c>max-inflight-bytes = auto</c> (the default). A TCP connection reads again once its last read is acknowledged
    /// (one read buffer): with 1,000 peers flooding a 2-core machine, four reads in flight each (256 KiB) held 190–226 MiB
    /// and ran at 5.9 M frames/s, one held 114–129 MiB and ran at 7.1 M (e2e, 5 runs each); one peer alone and 100
    /// peers were as fast (3.4 M, 13.8 M) as with four. A udp or file source is one stream for all its data, and a
    /// udp source that pauses loses datagrams in the kernel (5,267 in 10 s at 394,000/s with one read in flight, none
    /// with four): four reads.
    /// </summary>
    internal static long AutoInflightBytes(SourceType type, int readBufferSize) =>
        type is SourceType.TcpListen or SourceType.TcpConnect ? readBufferSize : 4L * readBufferSize;

    private static SourceSettings ReadSource(string name, ConfigSection s, IReadOnlyCollection<string> parsers,
        IReadOnlyDictionary<string, SinkSettings> sinks)
    {
        var type = s.Choice("type", SourceTypes);
        var host = s.String("host", "a host name or an IP address, such as 127.0.0.1");
        var port = type == SourceType.File ? 0 : s.Int("port", 1, 65535);
        var parser = s.OneOf("parser", parsers);
        var sinkNames = ReadSinkNames(s, sinks);
        var quarantine = s.String("quarantine", "the name of a sink for frames that cannot be framed or parsed");
        if (quarantine.Length > 0 && !sinks.ContainsKey(quarantine))
            s.Error("quarantine", quarantine, "the name of a sink defined under actornet.sinks: " + string.Join(", ", sinks.Keys));

        var restart = s.Section("restart", "{ max-restarts = 5, within = 1m, backoff = 100ms }");
        var readBufferSize = s.Size("read-buffer-size", 512, 16 * 1024 * 1024);
        var maxInflightBytes = s.LongSizeOrAuto("max-inflight-bytes", 512, 1L << 40, AutoInflightBytesMeans)
            ?? AutoInflightBytes(type, readBufferSize);
        var source = new SourceSettings(
            name, type, host, port,
            MaxConnections: s.Int("max-connections", 1, 1_000_000),
            IdleTimeout: s.Duration("idle-timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(365), allowOff: true),
            Framing: ReadFraming(s.Section("framing", "{ type = delimiter }")),
            Parser: parser,
            Sinks: sinkNames,
            Quarantine: quarantine,
            MaxInflightFrames: s.Int("max-inflight-frames", 1, 10_000_000),
            MaxInflightBytes: maxInflightBytes,
            ReadBufferSize: readBufferSize,
            QuarantineRawLimit: s.Size("quarantine-raw-limit", 0, 16 * 1024 * 1024),
            ParserParallelism: s.Int("parser-parallelism", 1, 1024),
            Restart: new RestartSettings(
                restart.Int("max-restarts", 0, 1000),
                restart.RequiredDuration("within", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)),
                restart.RequiredDuration("backoff", TimeSpan.Zero, TimeSpan.FromMinutes(10))))
        {
            MinReadBufferSize = s.Size("min-read-buffer-size", 64, 16 * 1024 * 1024),
            ConnectTimeout = s.RequiredDuration("connect-timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
            Role = ReadRole(s),
            Reconnect = ReadReconnect(s.Section("reconnect", "{ min-backoff = 200ms, max-backoff = 30s }")),
            Heartbeat = ReadHeartbeat(s.Section("heartbeat", "{ interval = 10s, payload = \"PING\\n\" }")),
            OnConnect = s.Text("on-connect", "a payload such as \"LOGIN demo\\n\", or off") is { } login && login != "off"
                ? System.Text.Encoding.UTF8.GetBytes(login)
                : null,
            Reply = s.Choice("reply", new Dictionary<string, ReplyMode> { ["none"] = ReplyMode.None, ["echo"] = ReplyMode.Echo }),
            Udp = UdpSourceSettings.Read(s),
            File = FileSourceSettings.Read(name, type, s),
            Admission = AdmissionSettings.Read(s, type),
            SlowPeers = SlowPeerSettings.Read(s),
        };
        // A connection must be able to hold one read, or it would never read at all.
        if (s.Valid("max-inflight-bytes", "read-buffer-size") && source.ReadBufferSize > source.MaxInflightBytes)
            s.Error("max-inflight-bytes", s.Text("max-inflight-bytes", "")!,
                $"at least read-buffer-size ({HoconUnits.Size(source.ReadBufferSize)}): a connection holds a whole read buffer per unacknowledged read");
        if (s.Valid("min-read-buffer-size", "read-buffer-size") && source.MinReadBufferSize > source.ReadBufferSize)
            s.Error("min-read-buffer-size", s.Text("min-read-buffer-size", "")!,
                $"at most read-buffer-size ({HoconUnits.Size(source.ReadBufferSize)}): reads adapt between the two");
        var ack = s.Section("ack", "{ enabled = on }");
        var record = s.Section("record", "{ enabled = on, dir = data/recordings }");
        source = source with
        {
            Ack = ack.Bool("enabled"),
            AckFinalWait = ack.RequiredDuration("final-wait", TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            Record = RecordSettings.Read(record),
            Tls = TlsSettings.Read(s.Section("tls", "{ certificate = \"server.pem\", private-key = \"server.key\" }"), type, host),
        };
        if (source.Type == SourceType.Udp) UdpSourceSettings.Validate(source, ack);
        // ACK n must come back as one frame the peer can cut: a fixed size cannot hold it, raw has no boundaries.
        if (source.Ack && source.Framing is FixedFramingSettings or RawFramingSettings)
            ack.Error("enabled", "on", $"off with {source.Framing.Type} framing (ACK n needs delimiter or length-field framing to come back as one frame)");

        // Writing to the peer frames the payload; a length-field framing that keeps header bytes in the payload
        // cannot make them up.
        if ((source.Reply == ReplyMode.Echo || source.Heartbeat is not null || source.OnConnect is not null || source.Ack)
            && source.Framing is LengthFieldFramingSettings lengthField
            && lengthField.InitialBytesToStrip < lengthField.LengthFieldOffset + lengthField.LengthFieldLength)
            s.Error("framing.initial-bytes-to-strip", lengthField.InitialBytesToStrip.ToString(),
                $"at least the {lengthField.LengthFieldOffset + lengthField.LengthFieldLength} header bytes when the source writes to its peers (reply, heartbeat, on-connect or ack)");
        FileSourceSettings.RejectPeerWrites(source, s);
        FileSourceSettings.RejectRecording(source, record);
        return source;
    }

    private static string ReadRole(ConfigSection s)
    {
        var role = s.Text("role", "a role name of letters, digits, '-' and '_', or \"\" for any node") ?? "";
        if (role.Length > 0 && !ClusterSettings.IsRoleName(role)) s.Error("role", role, "a role name of letters, digits, '-' and '_', or \"\" for any node");
        return role;
    }

    private static ReconnectSettings ReadReconnect(ConfigSection r)
    {
        var min = r.RequiredDuration("min-backoff", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        var max = r.RequiredDuration("max-backoff", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        if (r.Valid("min-backoff", "max-backoff") && max < min) r.Error("max-backoff", HoconUnits.Duration(max), $"at least min-backoff ({HoconUnits.Duration(min)})");
        var factor = r.Fraction("random-factor");
        var resetAfter = r.RequiredDuration("reset-after", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        var attempts = r.IntOr("max-attempts", "off", 1, int.MaxValue);
        return new ReconnectSettings(min, max, factor, resetAfter, attempts);
    }

    private static HeartbeatSettings? ReadHeartbeat(ConfigSection h)
    {
        var interval = h.Duration("interval", TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), allowOff: true);
        var payload = h.Text("payload", "the bytes to send, such as \"PING\\n\"") ?? "";
        if (interval is null) return null;
        if (payload.Length == 0) h.Error("payload", "", "a non-empty payload when heartbeat.interval is set");
        return new HeartbeatSettings(interval.Value, System.Text.Encoding.UTF8.GetBytes(payload));
    }

    private const int MaxSinksPerSource = 63;

    private static IReadOnlyList<string> ReadSinkNames(ConfigSection s, IReadOnlyDictionary<string, SinkSettings> sinks)
    {
        var names = s.StringList("sinks", "a list of sink names, such as [ file ]");
        if (names is null) return [];
        if (names.Count == 0) s.Error("sinks", "[]", "at least one sink name");
        // Sinks acknowledge a batch with one bit per slot (SourceRoute.MaxSlots), the quarantine's included.
        if (names.Count > MaxSinksPerSource)
            s.Error("sinks", $"[{names.Count} names]", $"at most {MaxSinksPerSource} sinks per source (the quarantine takes one more slot of 64)");
        // Each entry of SourceSettings.AllSinks is a slot fed every frame: a repeated name would store everything twice.
        foreach (var repeated in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            s.Error("sinks", repeated.Key, $"each sink named once, not {repeated.Count()} times (a repeated sink would store every frame again)");
        foreach (var unknown in names.Distinct(StringComparer.Ordinal).Where(n => !sinks.ContainsKey(n)))
            s.Error("sinks", unknown, "names of sinks defined under actornet.sinks: " + string.Join(", ", sinks.Keys));
        return names.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static FramingSettings ReadFraming(ConfigSection f)
    {
        var type = f.Text("type", "one of " + string.Join(", ", FramingTypes));
        var max = f.Size("max-frame-length", 1, int.MaxValue);
        if (type is not (null or "length-field")) SyncMarkerKeys.RejectFor(f, type);
        switch (type)
        {
            case "delimiter":
                var delimiter = f.Text("delimiter", DelimiterExpected);
                if (delimiter is "") f.Error("delimiter", "", DelimiterExpected);
                return new DelimiterFramingSettings(Encoding.UTF8.GetBytes(string.IsNullOrEmpty(delimiter) ? "\n" : delimiter), max);
            case "length-field":
                return SyncMarkerKeys.Read(f, ReadLengthField(f, max));
            case "fixed":
                var frameLength = f.Int("frame-length", 1, int.MaxValue);
                if (f.Valid("frame-length", "max-frame-length") && frameLength > max)
                    f.Error("frame-length", frameLength.ToString(CultureInfo.InvariantCulture), $"at most max-frame-length ({HoconUnits.Size(max)})");
                return new FixedFramingSettings(frameLength);
            case "raw" or null: // null: missing or not a single value, already reported
                return new RawFramingSettings(max);
            default:
                f.Error("type", type, "one of " + string.Join(", ", FramingTypes));
                return new RawFramingSettings(max);
        }
    }

    private const string DelimiterExpected = "a non-empty byte sequence such as \"\\n\" or \"\\r\\n\"";

    /// <summary>
    /// Checks everything <see cref="ActorNet.Framing.LengthFieldFrameDecoder"/>'s constructor checks, here: a decoder
    /// that throws would fail every connection instead of the start-up.
    /// </summary>
    private static LengthFieldFramingSettings ReadLengthField(ConfigSection f, int max)
    {
        var offset = f.Int("length-field-offset", 0, 1 << 20);
        var length = f.Choice("length-field-length", LengthFieldLengths);
        var bigEndian = f.Choice("byte-order", ByteOrders);
        var adjustment = f.Long("length-adjustment", int.MinValue, int.MaxValue);
        var strip = f.IntOr("initial-bytes-to-strip", "auto", 0, 1 << 20);
        var header = offset + length;
        // Asked before either check reports: an error from the first must not silence the second.
        var headerReadable = f.Valid("length-field-offset", "length-field-length", "max-frame-length");
        var stripReadable = f.Valid("initial-bytes-to-strip", "max-frame-length");
        if (headerReadable && header > max)
        {
            f.Error("max-frame-length", max.ToString(CultureInfo.InvariantCulture),
                $"at least the {header} header bytes (length-field-offset + length-field-length)");
        }
        // Every frame must be at least as long as what is stripped from it, so a larger strip would make every frame
        // fatal. `auto` strips the header, which the check above already fits in max-frame-length.
        if (strip is { } explicitStrip && stripReadable && explicitStrip > max)
        {
            f.Error("initial-bytes-to-strip", explicitStrip.ToString(CultureInfo.InvariantCulture),
                $"at most max-frame-length ({HoconUnits.Size(max)}), since every frame must hold the bytes stripped from it");
        }
        return new LengthFieldFramingSettings(offset, length, bigEndian, adjustment, strip ?? header, max);
    }

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the ActorNet assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
