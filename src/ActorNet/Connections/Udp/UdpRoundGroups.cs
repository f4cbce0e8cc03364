namespace ActorNet.Connections.Udp;

/// <summary>
/// The datagrams of one receive round grouped by sender, each sender's in the order they came: so that one round makes
/// one batch per sender however the senders interleave (a batch belongs to one peer, and grouping consecutive datagrams
/// only made one-datagram batches of two senders taking turns). Order between senders is not kept, and needs not be:
/// seq, the only order a record carries, is per peer. Pure and reused every round: a counting sort over arrays sized
/// once, nothing allocated in steady state.
/// </summary>
/// <typeparam name="TPeer">Whatever identifies a sender; compared by reference.</typeparam>
internal sealed class UdpRoundGroups<TPeer> where TPeer : class
{
    private readonly Dictionary<TPeer, int> _groupOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<TPeer> _peers = [];
    private readonly int[] _groupOfDatagram;
    private readonly int[] _order;
    private int[] _counts;
    private int[] _starts;
    private int _datagrams;

    /// <param name="capacity">The most datagrams a round holds.</param>
    public UdpRoundGroups(int capacity)
    {
        _groupOfDatagram = new int[capacity];
        _order = new int[capacity];
        _counts = new int[16];
        _starts = new int[16];
    }

    /// <summary>Senders in the round, in the order each first appeared.</summary>
    public int Count => _peers.Count;

    public TPeer Peer(int group) => _peers[group];

    /// <summary>The indexes (in the round) of group <paramref name="group"/>'s datagrams, in arrival order; valid after <see cref="Group"/>.</summary>
    public ReadOnlySpan<int> Datagrams(int group) => _order.AsSpan(_starts[group], _counts[group]);

    public void Clear()
    {
        if (_peers.Count > 0) _groupOf.Clear();
        _peers.Clear();
        _datagrams = 0;
    }

    /// <summary>The round's next datagram (index = how many were added before) came from <paramref name="peer"/>.</summary>
    public void Add(TPeer peer)
    {
        // Senders mostly come in runs: the last one is checked before the dictionary.
        int group;
        if (_peers.Count > 0 && ReferenceEquals(_peers[_groupOfDatagram[_datagrams - 1]], peer)) group = _groupOfDatagram[_datagrams - 1];
        else if (!_groupOf.TryGetValue(peer, out group))
        {
            group = _peers.Count;
            _peers.Add(peer);
            _groupOf.Add(peer, group);
            if (group == _counts.Length)
            {
                Array.Resize(ref _counts, group * 2);
                Array.Resize(ref _starts, group * 2);
            }
            _counts[group] = 0;
        }
        _groupOfDatagram[_datagrams++] = group;
        _counts[group]++;
    }

    /// <summary>Orders the datagrams added since <see cref="Clear"/> by group, keeping arrival order within each.</summary>
    public void Group()
    {
        var start = 0;
        for (var group = 0; group < _peers.Count; group++)
        {
            _starts[group] = start;
            start += _counts[group];
        }
        // _starts is advanced while filling and restored after: no second array.
        for (var datagram = 0; datagram < _datagrams; datagram++) _order[_starts[_groupOfDatagram[datagram]]++] = datagram;
        for (var group = 0; group < _peers.Count; group++) _starts[group] -= _counts[group];
    }
}
