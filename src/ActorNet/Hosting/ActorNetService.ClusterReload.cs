using ActorNet.Configuration;
using ActorNet.Hosting.Reload;

namespace ActorNet.Hosting;

public sealed partial class ActorNetService
{
    /// <summary>
    /// In a cluster a tcp-connect source's feed belongs to a sharded entity that may run on any node, bound to the
    /// parsers and sinks each node started: a reload on one node cannot add, restart or remove it consistently, so such
    /// a reload is refused (sources of other types reload as on a single node). Change the feeds on every node's file,
    /// then restart the nodes one at a time; each restart hands the feeds over gracefully.
    /// </summary>
    private static string[] ClusterFeedsChanged(ActorNetSettings running, ActorNetSettings next, ConfigurationChange change)
    {
        if (!running.Cluster.Enabled) return [];
        var feeds = running.Sources.Concat(next.Sources).Where(s => s.Type == SourceType.TcpConnect).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return change.Sources.Stopping.Concat(change.Sources.Starting).Where(feeds.Contains).Distinct(StringComparer.Ordinal)
            .Select(name => $"actornet.sources.{name}: a tcp-connect source cannot be added, changed or removed by a reload in a cluster " +
                "(actornet.cluster.enabled = on); expected it unchanged, or a restart of every node one at a time")
            .ToArray();
    }
}
