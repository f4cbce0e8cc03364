using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Sinks;
using Akka.Actor;

namespace ActorNet.IntegrationTests.Postgres;

/// <summary>
/// ActorNet in an actor system of its own: one tcp-listen source on 127.0.0.1 whose records, good and
/// quarantined, go to one sink. Dispose drains it (every frame read is delivered) and stops it.
/// </summary>
public sealed class PostgresPipeline : IAsyncDisposable
{
    private const string SinkType = "postgres-under-test";

    private readonly ActorSystem _system;
    private readonly ActorNetService _service;

    private PostgresPipeline(ActorSystem system, ActorNetService service)
    {
        _system = system;
        _service = service;
    }

    /// <summary>The sink as an operator configures it: <c>type = postgres</c> with its connection string and table.</summary>
    /// <param name="sourceSettings">Source keys (framing, parser, limits), one per line or comma-separated.</param>
    public static PostgresPipeline StartConfigured(string source, int port, string sourceSettings, string connectionString, string table) =>
        Start(source, port, sourceSettings, $"type = postgres, connection-string = \"{connectionString}\", table = {table}", options =>
        {
            // As the host registers it, until ActorNet registers the type itself.
            if (!options.SinkTypes.ContainsKey("postgres")) options.AddSinkType("postgres", s => new PostgresSink(s.ConnectionString, s.Table));
        });

    /// <summary>A sink of a type registered the way an embedding application registers its own.</summary>
    /// <param name="sourceSettings">Source keys (framing, parser, limits), one per line or comma-separated.</param>
    /// <param name="sink">Called when the sink actor starts (and restarts).</param>
    public static PostgresPipeline Start(string source, int port, string sourceSettings, Func<IFrameSink> sink) =>
        Start(source, port, sourceSettings, $"type = {SinkType}", options => options.AddSinkType(SinkType, _ => sink()));

    private static PostgresPipeline Start(string source, int port, string sourceSettings, string sinkSettings, Action<ActorNetOptions> register)
    {
        var options = new ActorNetOptions();
        register(options);
        var config = ActorNetSettings.ParseOverlay($$"""
            actornet {
              sources.{{source}} {
                type = tcp-listen, host = 127.0.0.1, port = {{port}}
                {{sourceSettings}}
                sinks = [ db ], quarantine = db
              }
              sinks.db { {{sinkSettings}} }
            }
            """);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        var system = ActorSystem.Create("postgres-spec", ActorNetService.AkkaHocon + "\nakka.loglevel = WARNING");
        try
        {
            return new PostgresPipeline(system, ActorNetService.Start(system, settings, options));
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _service.DrainAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await _system.Terminate();
        }
    }
}
