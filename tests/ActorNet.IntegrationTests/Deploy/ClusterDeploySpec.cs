using System.Diagnostics;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Release;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Deploy;

/// <summary>deploy/cluster (the loopback example and the template for real hosts) and deploy/systemd/actornet@.service.</summary>
public sealed class ClusterDeploySpec
{
    private static readonly string Template = RepositoryRoot.File("deploy", "systemd", "actornet@.service");

    [Fact]
    public void The_three_loopback_nodes_are_valid_share_their_seeds_and_use_ports_of_their_own()
    {
        var nodes = Enumerable.Range(1, 3)
            .Select(i => ActorNetSettings.Create(ActorNetSettings.ParseOverlayFile(RepositoryRoot.File("deploy", "cluster", "loopback", $"node{i}.conf"))))
            .ToArray();

        Assert.All(nodes, n => Assert.True(n.Cluster.Enabled));
        Assert.All(nodes, n => Assert.Equal(nodes[0].Cluster.SeedNodes, n.Cluster.SeedNodes));
        Assert.All(nodes, n => Assert.Contains($"akka.tcp://actornet@{n.Cluster.Hostname}:{n.Cluster.Port}", n.Cluster.SeedNodes));
        Assert.Equal(3, nodes.Select(n => n.Cluster.Port).Distinct().Count());
        Assert.Equal(3, nodes.Select(n => n.Http.Port).Distinct().Count());
        Assert.Equal(3, nodes.Select(n => n.Sinks["store"].Path).Distinct().Count());
        Assert.Equal(3, nodes.Select(n => n.Sources.Single(s => s.Type == SourceType.TcpListen).Port).Distinct().Count());
        // The same feed everywhere (whichever node owns it connects to the same server).
        static (string, string, int, string) Feed(ActorNetSettings n) =>
            n.Sources.Single(s => s.Type == SourceType.TcpConnect) is var f ? (f.Name, f.Host, f.Port, f.Parser) : default;
        Assert.All(nodes, n => Assert.Equal(Feed(nodes[0]), Feed(n)));
    }

    [Fact]
    public async Task The_template_for_real_hosts_is_valid_once_its_secrets_are_in_the_environment()
    {
        using var directory = new TempDirectory();
        using var check = ActorNetProcess.Start(directory.Path, new Dictionary<string, string?> { ["ACTORNET_ADMIN_TOKEN"] = "secret", ["ACTORNET_CLUSTER_HOSTNAME"] = "10.0.0.2" },
            "check-config", RepositoryRoot.File("deploy", "cluster", "hosts", "actornet.conf"));
        Assert.True(await check.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, check.Output);
        Assert.Contains("hostname = \"10.0.0.2\"", check.Stdout);
    }

    [Fact]
    public void The_template_unit_runs_the_instance_configuration_and_restarts_a_downed_node()
    {
        var settings = SystemdUnit.Settings(Template);

        Assert.Equal(["/opt/actornet/actornet run --config /etc/actornet/%i.conf"], settings["ExecStart"]);
        Assert.Equal(["-/etc/actornet/%i.env"], settings["EnvironmentFile"]);
        Assert.Equal(["actornet/%i"], settings["StateDirectory"]);
        Assert.Equal(["/var/lib/actornet/%i"], settings["WorkingDirectory"]);
        // A downed node exits 3 (ClusterExit.Downed): a failure to systemd, so it is started again.
        Assert.Equal(["on-failure"], settings["Restart"]);
        Assert.Equal(["notify"], settings["Type"]);
        Assert.Empty(settings["MemoryDenyWriteExecute"]);
    }

    [SystemdAnalyzeFact]
    public async Task Systemd_analyze_security_rates_an_instance_of_the_template_3_0_or_lower()
    {
        using var directory = new TempDirectory();
        var instance = Path.Combine(directory.Path, "actornet@n1.service");
        File.Copy(Template, instance);
        var (exposure, exitCode, output) = await SystemdUnit.AnalyzeSecurityAsync(SystemdAnalyzeFactAttribute.Path!, instance);
        Assert.True(exposure is not null, $"no \"Overall exposure level\" line (exit {exitCode}):{Environment.NewLine}{output}");
        Assert.True(exposure <= 3.0, output);
    }
}
