using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// Cluster mode off (the default) costs nothing: the running executable has not even loaded Akka.Remote or
/// Akka.Cluster (their assemblies are not mapped into the process), so single-node throughput is today's by construction.
/// </summary>
public sealed class ClusterOffSpec
{
    [LinuxFact]
    public async Task A_single_node_loads_neither_akka_remote_nor_akka_cluster()
    {
        using var directory = new TempDirectory();
        var port = Loopback.FreePort();
        var config = directory.File("actornet.conf");
        await File.WriteAllTextAsync(config, TestConfig.OneSource("single", port, directory, "parser = text"));
        using var node = ActorNetProcess.Start(directory.Path, "run", "--config", config);
        await node.WaitForOutputAsync($"Source single listening on 127.0.0.1:{port}", ThreeNodeCluster.Bound);
        using var peer = await Loopback.ConnectAsync(port);
        await peer.SendAsync("one\n"u8.ToArray());
        await Eventually.TrueAsync(() => File.Exists(directory.File("frames.jsonl")) && File.ReadAllText(directory.File("frames.jsonl")).Contains("one"),
            ThreeNodeCluster.Bound, () => node.Output);

        var mapped = File.ReadAllLines($"/proc/{node.Id}/maps").Select(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())).ToHashSet();
        Assert.Contains("Akka.dll", mapped);
        Assert.DoesNotContain("Akka.Remote.dll", mapped);
        Assert.DoesNotContain("Akka.Cluster.dll", mapped);
        Assert.DoesNotContain("Akka.Cluster.Sharding.dll", mapped);
    }
}
