using ActorNet.Connections.Udp;
using FsCheck.Xunit;
using Xunit;

namespace ActorNet.Tests.Connections.Udp;

public sealed class UdpRoundGroupsSpec
{
    private sealed record Sender(string Name);

    private static readonly Sender A = new("a");
    private static readonly Sender B = new("b");
    private static readonly Sender C = new("c");

    [Fact]
    public void Makes_one_group_per_sender_of_interleaved_datagrams_each_in_arrival_order()
    {
        var groups = new UdpRoundGroups<Sender>(16);

        foreach (var sender in new[] { A, B, A, C, B, A }) groups.Add(sender);
        groups.Group();

        Assert.Equal(3, groups.Count);
        Assert.Equal([A, B, C], Enumerable.Range(0, groups.Count).Select(groups.Peer));
        Assert.Equal([0, 2, 5], groups.Datagrams(0).ToArray());
        Assert.Equal([1, 4], groups.Datagrams(1).ToArray());
        Assert.Equal([3], groups.Datagrams(2).ToArray());
    }

    [Fact]
    public void Starts_afresh_after_clear()
    {
        var groups = new UdpRoundGroups<Sender>(16);
        groups.Add(A);
        groups.Add(B);
        groups.Group();

        groups.Clear();
        groups.Add(B);
        groups.Group();

        Assert.Equal(1, groups.Count);
        Assert.Same(B, groups.Peer(0));
        Assert.Equal([0], groups.Datagrams(0).ToArray());
    }

    [Fact]
    public void Compares_senders_by_reference_not_by_value()
    {
        var groups = new UdpRoundGroups<Sender>(4);

        groups.Add(new Sender("same"));
        groups.Add(new Sender("same"));
        groups.Group();

        Assert.Equal(2, groups.Count);
    }

    [Fact]
    public void Allocates_nothing_for_a_round_of_known_shape_once_warm()
    {
        var groups = new UdpRoundGroups<Sender>(UdpChunk.MaxDatagrams);
        var senders = Enumerable.Range(0, 40).Select(i => new Sender(i.ToString())).ToArray();
        void Round()
        {
            groups.Clear();
            for (var i = 0; i < UdpChunk.MaxDatagrams; i++) groups.Add(senders[i % senders.Length]);
            groups.Group();
        }
        Round();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Property(MaxTest = 200)]
    public bool Every_datagram_is_in_its_senders_group_once_in_order(int[] draws)
    {
        var senders = new[] { A, B, C, new Sender("d") };
        var arrivals = draws.Take(UdpChunk.MaxDatagrams).Select(d => senders[Math.Abs(d % senders.Length)]).ToArray();
        var groups = new UdpRoundGroups<Sender>(UdpChunk.MaxDatagrams);
        foreach (var sender in arrivals) groups.Add(sender);
        groups.Group();

        var expected = arrivals.Select((sender, index) => (sender, index)).GroupBy(x => x.sender)
            .ToDictionary(g => g.Key, g => g.Select(x => x.index).ToArray());
        var actual = Enumerable.Range(0, groups.Count).ToDictionary(groups.Peer, g => groups.Datagrams(g).ToArray());

        return expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var got) && got.SequenceEqual(e.Value));
    }
}
