using ActorNet.Protocol;
using ActorNet.Recording;
using ActorNet.Configuration;
using ActorNet.Hosting;
using ActorNet.Logging;
using ActorNet.Monitoring;
using ActorNet.Pipeline;
using ActorNet.Sinks;
using Akka.Actor;

namespace ActorNet.Hosting.Replay;

/// <summary>
/// <c>actornet replay</c>'s engine: the recorded sources' sinks and parsers, started from the configuration as
/// <c>run</c> starts them, fed by <see cref="ReplayActor"/> instead of sockets; then drained in the same order
/// (parsers, then sinks, each flushing on its stop) so that everything replayed is stored when it returns.
/// </summary>
public static class RecordingReplay
{
    /// <exception cref="InvalidConfigurationException">A recorded source is not in the configuration, or a parser or sink type is not registered.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="dir"/> does not exist.</exception>
    public static async Task<ReplayResult> RunAsync(ActorNetSettings settings, ActorNetOptions options, string dir, ReplayOptions replay,
        CancellationToken cancellationToken = default)
    {
        var reader = new RecordingReader(dir);
        var recorded = RecordedSources(reader, replay.Source);
        var missing = recorded.Where(name => settings.Sources.All(s => s.Name != name)).ToArray();
        if (replay.Source is not null && settings.Sources.All(s => s.Name != replay.Source)) missing = [replay.Source];
        if (missing.Length > 0)
            throw new InvalidConfigurationException(missing.Select(name =>
                $"--source: \"{name}\" is recorded in {dir} but not configured; expected one of {string.Join(", ", settings.Sources.Select(s => s.Name))}").ToArray());
        var sources = settings.Sources.Where(s => recorded.Contains(s.Name)).ToArray();
        foreach (var source in sources.Where(s => !options.Parsers.ContainsKey(s.Parser)))
            throw new InvalidConfigurationException([$"actornet.sources.{source.Name}.parser: \"{source.Parser}\" is not registered"]);

        // Akka's own chatter (its shutdown notice) would mix into the command's output: warnings only.
        using var system = ActorSystem.Create("actornet-replay", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\n" + ActorNetService.AkkaHocon);
        if (options.LoggerFactory is { } loggerFactory) ActorNetLogging.Use(system, loggerFactory);
        var status = new ActorNetStatus();
        var sinks = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var name in sources.SelectMany(s => s.AllSinks).Distinct())
        {
            var sink = settings.Sinks[name];
            if (!options.SinkTypes.TryGetValue(sink.Type, out var factory))
                throw new InvalidConfigurationException([$"actornet.sinks.{name}.type: \"{sink.Type}\" is not registered"]);
            sinks[name] = system.ActorOf(SinkActor.Props(sink, factory, status.AddSink(name, sink.Type)), $"sink-{name}");
        }
        var parsers = new Dictionary<string, (SourceSettings, IActorRef[])>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var sourceStatus = status.AddSource(source.Name, "replay", dir);
            var route = new SourceRoute(
                source.AllSinks.Select(n => sinks[n]).ToArray(),
                source.AllSinks.Select(n => source.Sinks.Contains(n)).ToArray(),
                source.AllSinks.Select(n => n == source.Quarantine || settings.Sinks[n].Type == "websocket").ToArray(),
                source.Ack);
            parsers[source.Name] = (source, Enumerable.Range(0, source.ParserParallelism)
                .Select(i => system.ActorOf(ParserActor.Props(sourceStatus, options.Parsers[source.Parser](), route, source.QuarantineRawLimit),
                    $"parser-{source.Name}-{i}"))
                .ToArray());
        }

        var done = new TaskCompletionSource<ReplayResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var replayer = system.ActorOf(ReplayActor.Props(parsers, replay, reader, done), "replay");
        ReplayResult result;
        await using (cancellationToken.Register(() => replayer.Tell(PoisonPill.Instance)))
        {
            var stopped = replayer.WatchAsync();
            await Task.WhenAny(done.Task, stopped).ConfigureAwait(false);
            result = done.Task.IsCompleted ? done.Task.Result : new ReplayResult(0, 0, 0, [], reader.TornTails.ToArray());
        }
        // As a drain: parsers first (their stop queues behind the batches they hold), then the sinks, which flush.
        var timeout = settings.ShutdownTimeout;
        await Task.WhenAll(parsers.Values.SelectMany(p => p.Item2).Select(p => p.GracefulStop(timeout))).ConfigureAwait(false);
        await Task.WhenAll(sinks.Values.Select(s => s.GracefulStop(timeout))).ConfigureAwait(false);
        await system.Terminate().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>The sources the recording holds (read from the file headers).</summary>
    private static HashSet<string> RecordedSources(RecordingReader reader, string? only)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in reader.Files)
            if (RecordingReader.SourceOf(file) is { } name && (only is null || name == only)) names.Add(name);
        return names;
    }
}
