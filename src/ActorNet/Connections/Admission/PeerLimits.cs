using System.Net;
using ActorNet.Configuration;

namespace ActorNet.Connections.Admission;

/// <summary>Why a peer is turned away: the <c>reason</c> of actornet_connections_rejected_total and the log line.</summary>
internal readonly record struct Refusal(string Reason, string Why);

/// <summary>
/// The limits on one peer address of a tcp-listen source (deny, allow, max-connects-per-ip-per-second,
/// max-connections-per-ip) and the open connections per address they need. Pure and single-threaded: only the
/// listener's current incarnation calls it, and it outlives the listener's restarts in <see cref="ListenerState"/>,
/// as the connections it counts do.
/// </summary>
internal sealed class PeerLimits
{
    private readonly AdmissionSettings _settings;
    private readonly ConnectRateLimiter? _rate;
    // Only addresses with an open connection: bounded by the source's max-connections.
    private readonly Dictionary<IPAddress, int> _open = new();

    public PeerLimits(AdmissionSettings settings)
    {
        _settings = settings;
        if (settings.MaxConnectsPerIpPerSecond is { } perSecond) _rate = new ConnectRateLimiter(perSecond);
    }

    /// <summary>Addresses with at least one open connection.</summary>
    public int Addresses => _open.Count;

    public int OpenFrom(IPAddress address) => _open.GetValueOrDefault(Cidr.Normalise(address));

    /// <summary>
    /// Whether a new connection from <paramref name="address"/> must be refused at <paramref name="now"/> (a
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp), checked in the documented order: deny, allow, rate, per-ip.
    /// A connect let through the rate check has spent a token, whatever the later checks say.
    /// </summary>
    public Refusal? Check(IPAddress address, long now)
    {
        address = Cidr.Normalise(address);
        if (_settings.Deny.Contains(address))
            return new Refusal("denied", $"{address} is in deny {_settings.Deny}");
        if (!_settings.Allow.IsEmpty && !_settings.Allow.Contains(address))
            return new Refusal("denied", $"{address} is not in allow {_settings.Allow}");
        if (_rate is not null && !_rate.TryTake(address, now))
            return new Refusal("rate", $"{address} connects faster than max-connects-per-ip-per-second {_settings.MaxConnectsPerIpPerSecond}");
        if (_settings.MaxConnectionsPerIp is { } max && OpenFrom(address) >= max)
            return new Refusal("per-ip", $"{address} already holds max-connections-per-ip {max}");
        return null;
    }

    public void Opened(IPAddress address)
    {
        address = Cidr.Normalise(address);
        _open[address] = _open.GetValueOrDefault(address) + 1;
    }

    public void Closed(IPAddress address)
    {
        address = Cidr.Normalise(address);
        if (!_open.TryGetValue(address, out var count)) return;
        if (count <= 1) _open.Remove(address);
        else _open[address] = count - 1;
    }
}
