using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Cluster;

/// <summary>
/// What three real nodes say about themselves: /api/cluster, asked of any node, lists every member with the sources it
/// runs (type and state there, from that node's own status), keeps a member that does not answer with what its
/// membership says, and every node's OTLP export names that node in its resource.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterViewSpec
{
    [ClusterProcessesFact]
    public async Task Every_member_lists_its_sources_a_frozen_member_keeps_its_entry_and_each_node_exports_its_address_over_otlp()
    {
        using var receiver = new OtlpHttpReceiver();
        await using var feed = new NumberedFeedServer(resendWindow: 300, TimeSpan.FromMilliseconds(10));
        using var cluster = new ThreeNodeCluster(feed.Port,
            _ => $$"""actornet.otlp { endpoint = "{{receiver.Endpoint}}", protocol = http/protobuf, interval = 200ms }""");
        await cluster.StartAllAsync();
        await Eventually.TrueAsync(() => feed.Current is { Node: not "?" } s && s.LastFrame > 0, ThreeNodeCluster.Bound,
            () => $"a session of the feed; sessions: {string.Join("; ", feed.Sessions)}{Environment.NewLine}{cluster.Output}");
        var owner = feed.Current!.Node[1] - '0';

        // Any node's view: each member with both sources, the feed connected on its owner and owned elsewhere on the others.
        for (var asked = 0; asked < 3; asked++)
        {
            var view = await EventuallyAsync(() => ClusterSourcesView.OfAsync(cluster, asked),
                v => v is not null && v.Members.Count == 3 && v.Members.All(m => m.Sources is not null)
                     && v.Member(cluster.Address(owner))!.Source(ThreeNodeCluster.Feed) is { State: "connected", Frames: > 0 },
                $"every member's sources as n{asked} sees them, the feed connected on n{owner}");
            Assert.Equal([new FeedBody(ThreeNodeCluster.Feed, cluster.Address(owner))], view.Feeds);
            for (var node = 0; node < 3; node++)
            {
                var member = view.Member(cluster.Address(node))!;
                Assert.Equal("up", member.Status);
                Assert.Equal([ThreeNodeCluster.Devices, ThreeNodeCluster.Feed], member.Sources!.Select(s => s.Name).Order(StringComparer.Ordinal));
                Assert.Equal("tcp-connect", member.Source(ThreeNodeCluster.Feed)!.Type);
                Assert.Equal(node == owner ? "connected" : "owned-elsewhere", member.Source(ThreeNodeCluster.Feed)!.State);
                Assert.Equal(node == owner ? 1 : 0, member.Source(ThreeNodeCluster.Feed)!.ConnectionsActive);
                Assert.Equal(("tcp-listen", "listening"), (member.Source(ThreeNodeCluster.Devices)!.Type, member.Source(ThreeNodeCluster.Devices)!.State));
            }
        }

        // Each member reports its own counters: frames a device sends to one node show under that member only.
        var holder = (owner + 1) % 3;
        using (var device = await Loopback.ConnectAsync(cluster.DevicePort(holder)))
        {
            await device.SendAsync("d-1\nd-2\nd-3\n"u8.ToArray());
            var counted = await EventuallyAsync(() => ClusterSourcesView.OfAsync(cluster, owner),
                v => v?.Member(cluster.Address(holder))?.Source(ThreeNodeCluster.Devices) is { Frames: 3 },
                $"n{holder}'s devices source with 3 frames, as n{owner} sees it");
            Assert.All(Enumerable.Range(0, 3).Where(n => n != holder),
                n => Assert.Equal(0, counted.Member(cluster.Address(n))!.Source(ThreeNodeCluster.Devices)!.Frames));
        }

        // Every node's export carries its own address, as service.instance.id and actornet.node, and no other node's.
        await Eventually.TrueAsync(() => Enumerable.Range(0, 3).All(n => receiver.Requests.Any(r => HoldsNode(r, cluster.NodeName(n)))),
            ThreeNodeCluster.Bound, () => $"an OTLP export naming each node; {receiver.Requests.Count} received{Environment.NewLine}{cluster.Output}");
        Assert.All(receiver.Requests, r => Assert.Single(Enumerable.Range(0, 3), n => HoldsNode(r, cluster.NodeName(n))));

        // A member that does not answer (frozen: its membership still says up) keeps its entry, with null sources.
        var frozen = (owner + 2) % 3;
        await cluster.SignalAsync(frozen, "STOP");
        var partial = await EventuallyAsync(() => ClusterSourcesView.OfAsync(cluster, owner),
            v => v?.Member(cluster.Address(frozen)) is { Sources: null },
            $"n{frozen} listed without sources while frozen, as n{owner} sees it");
        Assert.Equal(3, partial.Members.Count);
        Assert.All(partial.Members.Where(m => m.Address != cluster.Address(frozen)), m => Assert.NotNull(m.Sources));
        Assert.Equal([new FeedBody(ThreeNodeCluster.Feed, cluster.Address(owner))], partial.Feeds);
    }

    /// <summary>
    /// Whether the export's resource holds both attributes with <paramref name="node"/> as their string value, as the
    /// protobuf encodes a KeyValue: field 1 the key, field 2 an AnyValue whose field 1 is the string.
    /// </summary>
    private static bool HoldsNode(ReceivedExport export, string node) =>
        Holds(export, "service.instance.id", node) && Holds(export, "actornet.node", node);

    private static bool Holds(ReceivedExport export, string key, string value)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key), valueBytes = Encoding.UTF8.GetBytes(value);
        byte[] anyValue = [0x0A, (byte)valueBytes.Length, .. valueBytes];
        byte[] keyValue = [0x0A, (byte)keyBytes.Length, .. keyBytes, 0x12, (byte)anyValue.Length, .. anyValue];
        return export.Body.AsSpan().IndexOf(keyValue) >= 0;
    }

    private static async Task<ClusterSourcesBody> EventuallyAsync(Func<Task<ClusterSourcesBody?>> read, Func<ClusterSourcesBody?, bool> accept, string awaited)
    {
        ClusterSourcesBody? last = null;
        await Eventually.TrueAsync(() =>
        {
            last = read().GetAwaiter().GetResult();
            return accept(last);
        }, ThreeNodeCluster.Bound, () => $"{awaited}; last: {ClusterSourcesView.Describe(last)}");
        return last!;
    }
}
