using ActorNet.Configuration;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorNet.Logging;

/// <summary>
/// One <see cref="ILogger"/> per component category (<see cref="LogCategories"/>) for an actor system's ActorNet
/// actors. An actor takes its component's logger once, when it starts; logging then costs what the logger costs,
/// and an event below the category's level costs a level check (no message, no boxing).
/// </summary>
/// <remarks>
/// Actors log through Microsoft.Extensions.Logging rather than Akka's <c>ILoggingAdapter</c>: Akka publishes every
/// actor's events under the one category of its logger bridge (<c>Akka.Actor.ActorSystem</c>) and filters by one
/// system-wide level, so neither the component nor a per-component level (connection = debug) would survive it.
/// An Akka extension carries the loggers so that actors deep in the tree (connections under listeners) reach them
/// without every Props passing them down.
/// </remarks>
public sealed class ActorNetLogging : IExtension
{
    private ActorNetLogging(ILoggerFactory factory)
    {
        Factory = factory;
        Listener = factory.CreateLogger(LogCategories.Listener);
        Connection = factory.CreateLogger(LogCategories.Connection);
        Feed = factory.CreateLogger(LogCategories.Feed);
        Parser = factory.CreateLogger(LogCategories.Parser);
        Sink = factory.CreateLogger(LogCategories.Sink);
        Hosting = factory.CreateLogger(LogCategories.Hosting);
        Summary = factory.CreateLogger(LogCategories.Summary);
    }

    /// <summary>Where the loggers come from.</summary>
    public ILoggerFactory Factory { get; }

    public ILogger Listener { get; }
    public ILogger Connection { get; }
    public ILogger Feed { get; }
    public ILogger Parser { get; }
    public ILogger Sink { get; }
    public ILogger Hosting { get; }
    public ILogger Summary { get; }

    /// <summary>
    /// The loggers of <paramref name="system"/>: from the factory given to <see cref="Use"/>, or else through Akka's own
    /// logging (<see cref="AkkaLoggerFactory"/>), so that ActorNet started without one logs where Akka does.
    /// </summary>
    public static ActorNetLogging Get(ActorSystem system) => system.WithExtension<ActorNetLogging, Id>();

    /// <summary>
    /// Makes <paramref name="factory"/> the source of <paramref name="system"/>'s ActorNet loggers. Only before the
    /// first <see cref="Get"/>: an actor system has one set of loggers, and actors already running keep theirs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loggers already come from another factory.</exception>
    public static ActorNetLogging Use(ActorSystem system, ILoggerFactory factory)
    {
        var logging = (ActorNetLogging)system.RegisterExtension(new Id(factory));
        return ReferenceEquals(logging.Factory, factory)
            ? logging
            : throw new InvalidOperationException(
                $"ActorNet's loggers of actor system {system.Name} already come from {logging.Factory.GetType().Name}: give the logger factory before ActorNet starts there");
    }

    private sealed class Id(ILoggerFactory? factory) : ExtensionIdProvider<ActorNetLogging>
    {
        // Akka creates the extension from a parameterless Id when Get comes first.
        public Id() : this(null)
        {
        }

        public override ActorNetLogging CreateExtension(ExtendedActorSystem system) => new(factory ?? new AkkaLoggerFactory(system));
    }
}
