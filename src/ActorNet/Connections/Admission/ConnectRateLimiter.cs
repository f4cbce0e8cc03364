using System.Net;

namespace ActorNet.Connections.Admission;

/// <summary>
/// max-connects-per-ip-per-second: a token bucket per peer address holding one second's worth of connects, refilled
/// continuously. Pure: time comes in as <see cref="System.Diagnostics.Stopwatch"/> timestamps.
/// </summary>
/// <remarks>
/// Memory stays bounded however many addresses knock (an IPv6 peer has 2^64 of them): at most
/// <see cref="MaxTracked"/> buckets are kept. When a new address would pass it, buckets that have refilled are
/// dropped first: a full bucket and a missing one admit the same, so forgetting it changes nothing. Only if the map
/// is still full (that many addresses within one refill period) is the least recently used half dropped, which
/// forgives those addresses their debt: a flood from that many addresses is the global max-connections' to stop.
/// </remarks>
internal sealed class ConnectRateLimiter
{
    private readonly Dictionary<IPAddress, Bucket> _buckets = new();
    private readonly double _perSecond;
    private readonly long _ticksPerSecond;

    public ConnectRateLimiter(int perSecond, int maxTracked = 65_536, long ticksPerSecond = 0)
    {
        _perSecond = perSecond;
        MaxTracked = maxTracked;
        _ticksPerSecond = ticksPerSecond > 0 ? ticksPerSecond : System.Diagnostics.Stopwatch.Frequency;
    }

    public int MaxTracked { get; }

    /// <summary>Addresses whose buckets are remembered now.</summary>
    public int Tracked => _buckets.Count;

    /// <summary>Takes a token for a connect from <paramref name="address"/> at <paramref name="now"/>; false when it has none left.</summary>
    public bool TryTake(IPAddress address, long now)
    {
        if (!_buckets.TryGetValue(address, out var bucket))
        {
            if (_buckets.Count >= MaxTracked) Evict(now);
            bucket = new Bucket(_perSecond, now);
        }
        var tokens = Refilled(bucket, now);
        // Tolerates the rounding of many small refills adding up to a hair under one token.
        var admitted = tokens >= 1 - 1e-9;
        _buckets[address] = new Bucket(admitted ? Math.Max(0, tokens - 1) : tokens, now);
        return admitted;
    }

    private double Refilled(Bucket bucket, long now) =>
        Math.Min(_perSecond, bucket.Tokens + Math.Max(0, now - bucket.Updated) * _perSecond / _ticksPerSecond);

    private void Evict(long now)
    {
        foreach (var (address, bucket) in _buckets)
            if (Refilled(bucket, now) >= _perSecond - 1e-9) _buckets.Remove(address);
        if (_buckets.Count < MaxTracked) return;
        var oldest = _buckets.OrderBy(kv => kv.Value.Updated).Take(_buckets.Count / 2 + 1).Select(kv => kv.Key).ToArray();
        foreach (var address in oldest) _buckets.Remove(address);
    }

    private readonly record struct Bucket(double Tokens, long Updated);
}
