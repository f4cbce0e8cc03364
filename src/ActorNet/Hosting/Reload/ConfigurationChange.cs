using ActorNet.Configuration;

namespace ActorNet.Hosting.Reload;

/// <summary>
/// What a reload does, worked out from the running settings and the ones just read, before any actor is touched.
/// Pure: no actors, sockets or files.
/// <list type="bullet">
/// <item>A source is restarted when any of its keys differs (its sink list included: each sink is a slot of every
/// connection's acknowledgements, so the slots cannot change under a connection).</item>
/// <item>Sinks are the ones some source feeds (ActorNet starts no other). A sink is restarted when any of its keys
/// differs; a source that is itself unchanged but feeds a restarted sink keeps its connections and is
/// <see cref="Rerouted"/>: its parsers hold their batches while the old sink drains and then send them to the new one.</item>
/// <item>Every other key differing is listed in <see cref="NeedsRestart"/> and otherwise ignored.</item>
/// </list>
/// </summary>
public sealed record ConfigurationChange(
    ConfigurationChange.Set Sources,
    ConfigurationChange.Set Sinks,
    IReadOnlyList<string> Rerouted,
    IReadOnlyList<string> NeedsRestart)
{
    /// <summary>Names by what happens to them, each list in configuration (sources) or name (sinks) order.</summary>
    public sealed record Set(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Restarted,
        IReadOnlyList<string> Unchanged)
    {
        /// <summary>Removed or restarted: the ones whose running actor must be drained and stopped.</summary>
        public IEnumerable<string> Stopping => Removed.Concat(Restarted);

        /// <summary>Added or restarted: the ones a new actor is started for.</summary>
        public IEnumerable<string> Starting => Added.Concat(Restarted);
    }

    /// <summary>True when no source or sink changes (keys that need a restart may still differ).</summary>
    public bool LeavesActorsAlone => !Sources.Stopping.Any() && !Sources.Added.Any() && !Sinks.Stopping.Any() && !Sinks.Added.Any();

    public static ConfigurationChange Between(ActorNetSettings running, ActorNetSettings next)
    {
        var oldSources = running.Sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var newSources = next.Sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var sources = Classify(running.Sources.Select(s => s.Name), next.Sources.Select(s => s.Name),
            name => SettingsEquality.SameSource(oldSources[name], newSources[name]));

        var oldSinks = FedSinks(running);
        var newSinks = FedSinks(next);
        var sinks = Classify(oldSinks, newSinks, name => SettingsEquality.SameSink(running.Sinks[name], next.Sinks[name]));

        var restartedSinks = sinks.Restarted.ToHashSet(StringComparer.Ordinal);
        var rerouted = sources.Unchanged.Where(name => newSources[name].AllSinks.Any(restartedSinks.Contains)).ToArray();
        return new ConfigurationChange(sources, sinks, rerouted, SettingsEquality.DifferingKeys(running, next));
    }

    /// <summary>
    /// The same change, with the unchanged sources of <paramref name="stopped"/> restarted too: sources that will never
    /// try again on their own (a feed that gave up, a source stopped for good), which a reload starts afresh so that
    /// an operator who fixed the cause (the vendor's server, a disk) needs no restart of ActorNet.
    /// </summary>
    public ConfigurationChange Reviving(IReadOnlyCollection<string> stopped)
    {
        var revived = Sources.Unchanged.Where(stopped.Contains).ToArray();
        if (revived.Length == 0) return this;
        var sources = Sources with
        {
            Restarted = [.. Sources.Restarted, .. revived],
            Unchanged = [.. Sources.Unchanged.Except(revived, StringComparer.Ordinal)],
        };
        return this with { Sources = sources, Rerouted = [.. Rerouted.Except(revived, StringComparer.Ordinal)] };
    }

    /// <summary>
    /// Whether the new listening socket of source <paramref name="name"/> (added or restarted) can only be bound once
    /// the running sources have let go of their addresses: its address is one a stopping source listens on now. Every
    /// other listening socket is bound before anything stops, so that an address that is taken rejects the reload.
    /// </summary>
    public static bool BindsAfterDrain(ActorNetSettings running, ConfigurationChange change, SourceSettings source)
    {
        if (source.Type is not (SourceType.TcpListen or SourceType.Udp) || source.Port == 0) return false;
        var stopping = change.Sources.Stopping.ToHashSet(StringComparer.Ordinal);
        return running.Sources.Any(s => stopping.Contains(s.Name) && s.Type == source.Type && s.Port == source.Port
            && string.Equals(s.Host, source.Host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The sinks ActorNet runs for <paramref name="settings"/>: those some source feeds, by name.</summary>
    private static IReadOnlyList<string> FedSinks(ActorNetSettings settings) =>
        settings.Sources.SelectMany(s => s.AllSinks).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    private static Set Classify(IEnumerable<string> before, IEnumerable<string> after, Func<string, bool> same)
    {
        var was = before.ToArray();
        var now = after.ToArray();
        var old = was.ToHashSet(StringComparer.Ordinal);
        var kept = now.Where(old.Contains).ToArray();
        return new Set(
            Added: now.Where(n => !old.Contains(n)).ToArray(),
            Removed: was.Where(n => !now.Contains(n, StringComparer.Ordinal)).ToArray(),
            Restarted: kept.Where(n => !same(n)).ToArray(),
            Unchanged: kept.Where(same).ToArray());
    }
}
