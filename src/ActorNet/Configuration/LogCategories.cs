namespace ActorNet.Configuration;

/// <summary>
/// The log categories (Serilog's <c>SourceContext</c>) of ActorNet's components: every event says which one wrote
/// it, and <c>actornet.log.levels</c> sets a level per category by its key (<c>connection = debug</c>).
/// </summary>
public static class LogCategories
{
    public const string Listener = "ActorNet.Listener";
    public const string Connection = "ActorNet.Connection";
    public const string Feed = "ActorNet.Feed";
    public const string Parser = "ActorNet.Parser";
    public const string Sink = "ActorNet.Sink";
    public const string Http = "ActorNet.Http";
    public const string Hosting = "ActorNet.Hosting";
    public const string Recording = "ActorNet.Recording";

    /// <summary>The periodic per-source summary (actornet.log.summary-interval).</summary>
    public const string Summary = "ActorNet.Summary";

    /// <summary>Akka.NET's own events (coordinated shutdown, dead letters): categories under this prefix.</summary>
    public const string Akka = "Akka";

    /// <summary>The .NET host and ASP.NET Core (the HTTP endpoints' server): categories under this prefix.</summary>
    public const string Microsoft = "Microsoft";

    /// <summary>The keys of <c>actornet.log.levels</c> and the category (or category prefix) each one sets.</summary>
    public static IReadOnlyDictionary<string, string> ByKey { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["listener"] = Listener,
        ["connection"] = Connection,
        ["feed"] = Feed,
        ["parser"] = Parser,
        ["sink"] = Sink,
        ["http"] = Http,
        ["hosting"] = Hosting,
        ["summary"] = Summary,
        ["recording"] = Recording,
        ["akka"] = Akka,
        ["microsoft"] = Microsoft,
    };
}
