using Akka.Actor;

namespace ActorNet.Cluster;

/// <summary>The exit status of <c>actornet run</c> once its actor system has stopped.</summary>
public static class ClusterExit
{
    /// <summary>
    /// A node the split brain resolver downed (or that found itself removed) exits with this status, not 0: it stopped
    /// because the cluster went on without it, and a supervisor (systemd <c>Restart=on-failure</c>) should start it
    /// again as a new member. Akka.NET uses the same code for the same reason.
    /// </summary>
    public const int Downed = 3;

    /// <summary><see cref="Downed"/> if coordinated shutdown ran because this node was downed; 0 otherwise.</summary>
    public static int CodeOf(ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason ? Downed : 0;
}
