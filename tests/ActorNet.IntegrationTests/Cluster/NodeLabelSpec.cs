using ActorNet.Http;
using Xunit;

namespace ActorNet.IntegrationTests.Cluster;

public sealed class NodeLabelSpec
{
    [Fact]
    public void Puts_the_node_first_in_every_sample_and_leaves_comments_alone()
    {
        const string exposition = "# HELP a_total A thing\n# TYPE a_total counter\na_total{source=\"s\"} 3\nb 1.5\nc{} 2\n";

        Assert.Equal("# HELP a_total A thing\n# TYPE a_total counter\na_total{node=\"10.0.0.1:4053\",source=\"s\"} 3\n" +
            "b{node=\"10.0.0.1:4053\"} 1.5\nc{node=\"10.0.0.1:4053\"} 2\n", NodeLabel.Add(exposition, "10.0.0.1:4053"));
    }
}
