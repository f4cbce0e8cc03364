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
    HttpSettings Http)
{
    public static readonly IReadOnlyCollection<string> BuiltInParsers = ["text", "json", "binary"];
    public static readonly IReadOnlyCollection<string> BuiltInSinkTypes = ["jsonl", "console", "blackhole"];

    private static readonly Dictionary<string, SourceType> SourceTypes = new() { ["tcp-listen"] = SourceType.TcpListen };
    private static readonly HashSet<string> FramingTypes = ["delimiter", "length-field", "fixed", "raw"];

    /// <summary>The embedded reference.conf: every key with its default.</summary>
    public static Config Reference { get; } = ConfigurationFactory.ParseString(ReadResource("ActorNet.reference.conf"));

    /// <summary>The embedded configuration <c>actornet run</c> uses without --config.</summary>
    public static Config EmbeddedDefault { get; } = ConfigurationFactory.ParseString(ReadResource("ActorNet.default.conf"));

    /// <summary>Parses HOCON text overlaid on the reference configuration and validates it.</summary>
    public static ActorNetSettings Parse(string hocon) => Create(ParseOverlay(hocon));

    /// <summary>HOCON text overlaid on the reference configuration; a syntax error names the problem.</summary>
    public static Config ParseOverlay(string hocon)
    {
        Config user;
        try
        {
            user = ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e) when (e is not InvalidConfigurationException)
        {
            throw new InvalidConfigurationException([$"HOCON syntax error: {e.Message}"]);
        }
        return user.WithFallback(Reference);
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
        var errors = new List<string>();
        var root = config.GetConfig("actornet");
        if (root is null || root.IsEmpty) throw new InvalidConfigurationException(["actornet: the block is missing"]);
        var reference = Reference.GetConfig("actornet");

        ConfigSection.RejectUnknownKeys("actornet", root.Root.GetObject(), reference.Root.GetObject(), errors,
            ignore: new HashSet<string> { "sources", "sinks" });

        var section = new ConfigSection("actornet", root, errors);
        var shutdownTimeout = section.RequiredDuration("shutdown-timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

        var sinkDefaults = reference.GetConfig("sink-defaults");
        var sinks = new Dictionary<string, SinkSettings>(StringComparer.Ordinal);
        foreach (var (name, value) in Items(root, "sinks"))
        {
            var path = $"actornet.sinks.{name}";
            if (!value.IsObject())
            {
                errors.Add($"{path}: expected a block such as {{ type = jsonl, path = \"data/frames.jsonl\" }}");
                continue;
            }
            ConfigSection.RejectUnknownKeys(path, value.GetObject(), sinkDefaults.Root.GetObject(), errors);
            sinks[name] = ReadSink(name, new ConfigSection(path, root.GetConfig($"sinks.{name}").WithFallback(root.GetConfig("sink-defaults")), errors), sinkTypes);
        }

        var sourceDefaults = reference.GetConfig("source-defaults");
        var sources = new List<SourceSettings>();
        foreach (var (name, value) in Items(root, "sources"))
        {
            var path = $"actornet.sources.{name}";
            if (!value.IsObject())
            {
                errors.Add($"{path}: expected a block such as {{ type = tcp-listen, port = 7000 }}");
                continue;
            }
            ConfigSection.RejectUnknownKeys(path, value.GetObject(), sourceDefaults.Root.GetObject(), errors);
            var sourceConfig = root.GetConfig($"sources.{name}").WithFallback(root.GetConfig("source-defaults"));
            sources.Add(ReadSource(name, new ConfigSection(path, sourceConfig, errors), parsers, sinks));
        }

        foreach (var group in sources.Where(s => s.Port != 0).GroupBy(s => (s.Host, s.Port)).Where(g => g.Count() > 1))
            errors.Add($"actornet.sources: {string.Join(" and ", group.Select(s => s.Name))} both listen on {group.Key.Host}:{group.Key.Port}; expected one source per address");

        var http = new HttpSettings(section.Section("http").Bool("enabled"));
        if (http.Enabled) errors.Add("actornet.http.enabled: \"on\" is not available in this release; expected off");

        if (errors.Count > 0) throw new InvalidConfigurationException(errors);
        return new ActorNetSettings(shutdownTimeout, sources, sinks, http);
    }

    private static SinkSettings ReadSink(string name, ConfigSection s, IReadOnlyCollection<string> sinkTypes)
    {
        var type = s.Raw("type") ?? "";
        if (!sinkTypes.Contains(type)) s.Error("type", type, "one of " + string.Join(", ", sinkTypes));
        var path = s.Raw("path") ?? "";
        if (type == "jsonl" && path.Length == 0) s.Error("path", null, "is missing; expected the file a jsonl sink appends to");
        return new SinkSettings(name, type, path,
            s.Size("buffer-size", 4 * 1024, 64 * 1024 * 1024),
            s.RequiredDuration("flush-interval", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)));
    }

    private static SourceSettings ReadSource(string name, ConfigSection s, IReadOnlyCollection<string> parsers,
        IReadOnlyDictionary<string, SinkSettings> sinks)
    {
        var type = s.Choice("type", SourceTypes);
        var host = s.String("host", "a host name or an IP address, such as 127.0.0.1");
        var port = s.Int("port", 1, 65535);
        var parser = s.Raw("parser") ?? "";
        if (!parsers.Contains(parser)) s.Error("parser", parser, "one of " + string.Join(", ", parsers));

        var sinkNames = s.StringList("sinks");
        if (sinkNames.Count == 0 && s.HasValue("sinks")) s.Error("sinks", "[]", "at least one sink name");
        foreach (var sink in sinkNames.Where(n => !sinks.ContainsKey(n)))
            s.Error("sinks", sink, "names of sinks defined under actornet.sinks: " + string.Join(", ", sinks.Keys));
        var quarantine = s.String("quarantine", "the name of a sink for frames that cannot be framed or parsed");
        if (quarantine.Length > 0 && !sinks.ContainsKey(quarantine))
            s.Error("quarantine", quarantine, "the name of a sink defined under actornet.sinks: " + string.Join(", ", sinks.Keys));

        var restart = s.Section("restart");
        return new SourceSettings(
            name, type, host, port,
            MaxConnections: s.Int("max-connections", 1, 1_000_000),
            IdleTimeout: s.Duration("idle-timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(365), allowOff: true),
            Framing: ReadFraming(s.Section("framing")),
            Parser: parser,
            Sinks: sinkNames,
            Quarantine: quarantine,
            MaxInflightFrames: s.Int("max-inflight-frames", 1, 10_000_000),
            ReadBufferSize: s.Size("read-buffer-size", 512, 16 * 1024 * 1024),
            QuarantineRawLimit: s.Size("quarantine-raw-limit", 0, 16 * 1024 * 1024),
            ParserParallelism: s.Int("parser-parallelism", 1, 1024),
            Restart: new RestartSettings(
                restart.Int("max-restarts", 0, 1000),
                restart.RequiredDuration("within", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)),
                restart.RequiredDuration("backoff", TimeSpan.Zero, TimeSpan.FromMinutes(10))));
    }

    private static FramingSettings ReadFraming(ConfigSection f)
    {
        var type = f.Raw("type") ?? "";
        var max = f.Size("max-frame-length", 1, int.MaxValue);
        switch (type)
        {
            case "delimiter":
                var delimiter = f.Raw("delimiter") ?? "";
                if (delimiter.Length == 0) f.Error("delimiter", "", "a non-empty byte sequence such as \"\\n\" or \"\\r\\n\"");
                return new DelimiterFramingSettings(Encoding.UTF8.GetBytes(delimiter.Length == 0 ? "\n" : delimiter), max);
            case "length-field":
                var offset = f.Int("length-field-offset", 0, 1 << 20);
                var length = f.Int("length-field-length", 1, 8);
                if (length is 5 or 6 or 7) f.Error("length-field-length", length.ToString(), "1, 2, 3, 4 or 8");
                var bigEndian = f.Choice("byte-order", new Dictionary<string, bool> { ["big-endian"] = true, ["little-endian"] = false });
                var adjustment = f.Long("length-adjustment", int.MinValue, int.MaxValue);
                var stripRaw = f.Raw("initial-bytes-to-strip");
                var strip = stripRaw == "auto" ? offset + length : f.Int("initial-bytes-to-strip", 0, 1 << 20);
                if (offset + length > max)
                    f.Error("max-frame-length", max.ToString(), $"at least the {offset + length} header bytes (length-field-offset + length-field-length)");
                return new LengthFieldFramingSettings(offset, length is 5 or 6 or 7 ? 4 : length, bigEndian, adjustment, strip, max);
            case "fixed":
                var frameLength = f.Int("frame-length", 1, int.MaxValue);
                if (frameLength > max)
                    f.Error("frame-length", frameLength.ToString(), $"at most max-frame-length ({max})");
                return new FixedFramingSettings(frameLength);
            case "raw":
                return new RawFramingSettings(max);
            default:
                f.Error("type", type, "one of " + string.Join(", ", FramingTypes));
                return new RawFramingSettings(max);
        }
    }

    private static IEnumerable<KeyValuePair<string, HoconValue>> Items(Config root, string path)
    {
        var value = root.GetValue(path);
        if (value is null || !value.IsObject()) return [];
        // Entries set to null (`sources.default = null`) remove an inherited entry.
        return value.GetObject().Items.Where(kv => !kv.Value.IsEmpty).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
    }

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the ActorNet assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
