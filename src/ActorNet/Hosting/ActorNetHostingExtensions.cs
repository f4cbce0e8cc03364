using ActorNet.Configuration;
using ActorNet.Hosting;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Hosting;

/// <summary>Adds ActorNet to an Akka.Hosting <see cref="AkkaConfigurationBuilder"/>.</summary>
public static class ActorNetHostingExtensions
{
    /// <summary>
    /// Starts ActorNet with the actor system and drains it in coordinated shutdown (which the host runs on
    /// SIGTERM / Ctrl-C), bounded by <c>actornet.shutdown-timeout</c>. The running service is registered in
    /// the <see cref="ActorRegistry"/> under <see cref="ActorNetService"/>'s guardian.
    /// </summary>
    /// <summary>
    /// Validates <paramref name="config"/> (the user's HOCON overlaid on <see cref="ActorNetSettings.Reference"/>)
    /// with the parsers and sink types registered in <paramref name="configure"/>, then starts ActorNet.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">A key is unknown or has a bad value.</exception>
    public static AkkaConfigurationBuilder WithActorNet(this AkkaConfigurationBuilder builder, Akka.Configuration.Config config,
        Action<ActorNetOptions>? configure = null)
    {
        var options = new ActorNetOptions();
        configure?.Invoke(options);
        var settings = ActorNetSettings.Create(config, options.Parsers.Keys.ToArray(), options.SinkTypes.Keys.ToArray());
        return builder.WithActorNet(settings, configure);
    }

    public static AkkaConfigurationBuilder WithActorNet(this AkkaConfigurationBuilder builder, ActorNetSettings settings,
        Action<ActorNetOptions>? configure = null)
    {
        var options = new ActorNetOptions();
        configure?.Invoke(options);
        var timeout = (long)settings.ShutdownTimeout.TotalMilliseconds;

        builder.AddHocon(ActorNetService.AkkaHocon, HoconAddMode.Prepend);
        if (settings.Cluster.Enabled) Cluster.ClusterComposition.Configure(builder, settings.Cluster);
        builder.AddHocon($"akka.coordinated-shutdown.phases.service-requests-done.timeout = {timeout}ms", HoconAddMode.Prepend);
        builder.WithActors((system, registry, resolver) =>
        {
            if (options.LoggerFactory is null && resolver.GetService<ILoggerFactory>() is { } hostLoggers) options.UseLoggerFactory(hostLoggers);
            var service = ActorNetService.Start(system, settings, options);
            registry.Register<ActorNetService>(service.Guardian);
            foreach (var callback in options.StartedCallbacks) callback(service);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "actornet-drain", async () =>
            {
                await service.DrainAsync(settings.ShutdownTimeout).ConfigureAwait(false);
                return Done.Instance;
            });
        });
        return builder;
    }
}
