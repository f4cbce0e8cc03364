using System.Globalization;
using ActorNet.Configuration;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorNet.Cluster;

/// <summary>
/// Makes the actor system a cluster node (<c>actornet.cluster.enabled = on</c>): Akka.Remote over TCP and Akka.Cluster
/// through Akka.Cluster.Hosting, with the split brain resolver and the sharding of feeds tuned for a small cluster.
/// Only called when cluster mode is on, so a single node never loads Akka.Remote or Akka.Cluster.
/// </summary>
internal static class ClusterComposition
{
    public static void Configure(AkkaConfigurationBuilder builder, ClusterSettings cluster)
    {
        builder.WithRemoting(cluster.Hostname, cluster.Port);
        builder.WithClustering(new ClusterOptions
        {
            SeedNodes = cluster.SeedNodes.ToArray(),
            Roles = cluster.Roles.ToArray(),
            SplitBrainResolver = new KeepMajorityOption(),
        });
        builder.AddHocon(Tuning(cluster), HoconAddMode.Prepend);
    }

    /// <summary>
    /// What Akka.Cluster.Hosting's options do not cover. Each value trades failover time against false alarms; the
    /// sum the README states is <see cref="ClusterSettings.FailoverBound"/> plus the hand-off.
    /// </summary>
    internal static string Tuning(ClusterSettings cluster) => $$"""
        akka.cluster {
          failure-detector {
            heartbeat-interval = {{Ms(cluster.HeartbeatInterval)}}
            acceptable-heartbeat-pause = {{Ms(cluster.AcceptableHeartbeatPause)}}
          }
          split-brain-resolver {
            active-strategy = keep-majority
            stable-after = {{Ms(cluster.StableAfter)}}
          }
          down-removal-margin = {{Ms(cluster.DownRemovalMargin)}}
          # A downed node runs coordinated shutdown, which drains ActorNet and ends the process: a supervisor
          # (systemd Restart=always) starts it again as a new member. It never keeps serving outside the cluster.
          run-coordinated-shutdown-when-down = on
          # A leaving node's coordinated shutdown hands its shards off (after ActorNet's drain) before it exits.
          sharding {
            remember-entities = on
            remember-entities-store = ddata
            state-store-mode = ddata
            # Every node sends each feed's start message when it starts, so a cluster started from nothing needs no
            # durable store (LMDB) of remembered feeds: the replicated in-memory one survives any node's loss.
            distributed-data.durable.keys = []
            # Majority of the members, not Akka's default of at least 5 (all of a 3-node cluster): with 5 a write of
            # the coordinator's state waits for a dead node until it is removed, and times out instead of moving the feed.
            distributed-data.majority-min-cap = 1
            # The region's retries (registration with a new coordinator, shard homes): short, a feed waits on them.
            retry-interval = 500ms
            # A feed entity that stopped for good is started again after this.
            entity-restart-backoff = 1s
            # A hand-off waits for the feed's drain, which actornet.shutdown-timeout bounds.
            handoff-timeout = 60s
          }
          singleton.hand-over-retry-interval = 500ms
        }
        """;

    private static string Ms(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
