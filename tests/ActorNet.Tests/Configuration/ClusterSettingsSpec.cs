using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class ClusterSettingsSpec
{
    private const string Seeds = "seed-nodes = [ \"akka.tcp://actornet@127.0.0.1:4053\", \"akka.tcp://actornet@127.0.0.1:4054\" ]";

    private static ActorNetSettings Parse(string cluster, string source = "") => ActorNetSettings.Parse($$"""
        actornet {
          sources.sensors { port = 7000 }
          sources.vendor { type = tcp-connect, port = 9000, {{source}} }
          cluster { {{cluster}} }
        }
        """);

    private static string SingleError(string cluster, string source = "") =>
        Assert.Single(Assert.Throws<InvalidConfigurationException>(() => Parse(cluster, source)).Errors);

    [Fact]
    public void Is_off_by_default_with_a_failover_bound_of_nine_seconds_before_the_hand_off()
    {
        var cluster = Parse("").Cluster;

        Assert.False(cluster.Enabled);
        Assert.Empty(cluster.SeedNodes);
        Assert.Equal(4053, cluster.Port);
        Assert.Equal(TimeSpan.FromSeconds(3), cluster.StableAfter);
        Assert.Equal(TimeSpan.FromSeconds(9), cluster.FailoverBound);
        Assert.Equal(ClusterSettings.Off, cluster with { SeedNodes = [], Roles = [] });
    }

    [Fact]
    public void Reads_a_node_with_seeds_roles_and_a_feed_restricted_to_a_role()
    {
        var settings = Parse($"enabled = on, hostname = \"10.0.0.1\", port = 4060, {Seeds}, roles = [ feeds ], stable-after = 5s", "role = feeds");

        Assert.True(settings.Cluster.Enabled);
        Assert.Equal("10.0.0.1", settings.Cluster.Hostname);
        Assert.Equal(4060, settings.Cluster.Port);
        Assert.Equal(["akka.tcp://actornet@127.0.0.1:4053", "akka.tcp://actornet@127.0.0.1:4054"], settings.Cluster.SeedNodes);
        Assert.Equal(["feeds"], settings.Cluster.Roles);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Cluster.StableAfter);
        Assert.Equal("feeds", settings.Sources.Single(s => s.Name == "vendor").Role);
        Assert.Equal("", settings.Sources.Single(s => s.Name == "sensors").Role);
    }

    [Fact]
    public void Names_the_node_by_its_remoting_host_and_port_only_in_cluster_mode_with_a_fixed_port()
    {
        Assert.Equal("10.0.0.1:4060", Parse($"enabled = on, hostname = \"10.0.0.1\", port = 4060, {Seeds}").Cluster.Node);
        Assert.Null(Parse($"enabled = on, port = 0, {Seeds}").Cluster.Node);
        Assert.Null(Parse("hostname = \"10.0.0.1\", port = 4060").Cluster.Node);
    }

    [Fact]
    public void Refuses_cluster_mode_without_seed_nodes()
    {
        var error = SingleError("enabled = on");

        Assert.Contains("actornet.cluster.seed-nodes", error);
        Assert.Contains("at least one seed node", error);
    }

    [Theory]
    [InlineData("akka.tcp://other@127.0.0.1:4053")]
    [InlineData("akka.tcp://actornet@127.0.0.1")]
    [InlineData("127.0.0.1:4053")]
    public void Refuses_a_seed_node_that_is_not_an_actornet_address(string seed)
    {
        var error = SingleError($"enabled = on, seed-nodes = [ \"{seed}\" ]");

        Assert.Contains($"actornet.cluster.seed-nodes: \"{seed}\"", error);
        Assert.Contains("akka.tcp://actornet@", error);
    }

    [Fact]
    public void Refuses_a_heartbeat_pause_shorter_than_two_heartbeats()
    {
        var error = SingleError("heartbeat-interval = 2s, acceptable-heartbeat-pause = 3s");

        Assert.Contains("actornet.cluster.acceptable-heartbeat-pause: \"3s\"", error);
        Assert.Contains("at least two heartbeat-interval (4s)", error);
    }

    [Fact]
    public void Refuses_a_role_name_with_spaces_on_a_node_or_a_source()
    {
        Assert.Contains("actornet.cluster.roles: \"two words\"", SingleError("roles = [ \"two words\" ]"));
        Assert.Contains("actornet.sources.vendor.role: \"a b\"", SingleError("", "role = \"a b\""));
    }

    [Fact]
    public void Refuses_an_unknown_key_in_the_cluster_block()
    {
        Assert.Contains("actornet.cluster.stable-afer", SingleError("stable-afer = 5s"));
    }
}
