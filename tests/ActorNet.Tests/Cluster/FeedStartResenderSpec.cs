using ActorNet.Cluster;
using Akka.Cluster;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Tests.Cluster;

/// <summary>
/// <see cref="FeedStartResender"/> on a real one-node cluster (Akka.Remote on a free loopback port): nothing while the
/// node has not joined, then each feed's start message to its region every interval once the node is up.
/// </summary>
public sealed class FeedStartResenderSpec() : TestKit("""
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
    akka.cluster.min-nr-of-members = 1
    akka.loglevel = WARNING
    """)
{
    [Fact]
    public void Sends_every_feed_its_start_again_while_the_node_is_up_and_nothing_before_it_joined()
    {
        var vendor = CreateTestProbe();
        var quotes = CreateTestProbe();
        Sys.ActorOf(FeedStartResender.Props([(vendor.Ref, new FeedEntityProtocol.Start("vendor")), (quotes.Ref, new FeedEntityProtocol.Start("quotes"))]));

        // Not a member yet: a region has no coordinator to ask, so nothing is sent.
        vendor.ExpectNoMsg(FeedStartResender.Interval + TimeSpan.FromMilliseconds(500));

        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(10));

        var bound = FeedStartResender.Interval + TimeSpan.FromSeconds(2);
        Assert.Equal("vendor", vendor.ExpectMsg<FeedEntityProtocol.Start>(bound).Source);
        Assert.Equal("quotes", quotes.ExpectMsg<FeedEntityProtocol.Start>(bound).Source);
        // And again, for a feed whose remembered entity was lost after this node's first start.
        Assert.Equal("vendor", vendor.ExpectMsg<FeedEntityProtocol.Start>(bound).Source);
    }
}
