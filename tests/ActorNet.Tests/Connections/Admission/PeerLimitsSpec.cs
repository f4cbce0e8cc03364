using System.Net;
using ActorNet.Configuration;
using ActorNet.Connections.Admission;
using Xunit;

namespace ActorNet.Tests.Connections.Admission;

public sealed class PeerLimitsSpec
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.51.100.7");

    private static CidrList Blocks(params string[] texts) =>
        new(texts.Select(t => Cidr.TryParse(t, out var c, out _) ? c! : throw new ArgumentException(t)).ToArray());

    private static PeerLimits Limits(AdmissionSettings settings) => new(settings);

    [Fact]
    public void Lets_everyone_in_when_nothing_is_set()
    {
        var limits = Limits(AdmissionSettings.Open);
        for (var i = 0; i < 100; i++) limits.Opened(Peer);

        Assert.Null(limits.Check(Peer, 0));
    }

    [Fact]
    public void Deny_wins_over_allow()
    {
        var limits = Limits(AdmissionSettings.Open with { Allow = Blocks("198.51.100.0/24"), Deny = Blocks("198.51.100.7") });

        Assert.Equal("denied", limits.Check(Peer, 0)?.Reason);
        Assert.Null(limits.Check(IPAddress.Parse("198.51.100.8"), 0));
        var outside = limits.Check(IPAddress.Parse("203.0.113.1"), 0);
        Assert.Equal("denied", outside?.Reason);
        Assert.Equal("203.0.113.1 is not in allow [ 198.51.100.0/24 ]", outside?.Why);
    }

    [Fact]
    public void Counts_open_connections_per_address_and_frees_a_slot_when_one_closes()
    {
        var limits = Limits(AdmissionSettings.Open with { MaxConnectionsPerIp = 2 });
        limits.Opened(Peer);
        limits.Opened(IPAddress.Parse("::ffff:198.51.100.7"));

        var refusal = limits.Check(Peer, 0);
        Assert.Equal("per-ip", refusal?.Reason);
        Assert.Equal("198.51.100.7 already holds max-connections-per-ip 2", refusal?.Why);
        Assert.Null(limits.Check(IPAddress.Parse("198.51.100.8"), 0));

        limits.Closed(Peer);
        Assert.Null(limits.Check(Peer, 0));
        limits.Closed(Peer);
        Assert.Equal(0, limits.Addresses);
    }

    [Fact]
    public void Checks_the_rate_before_the_per_ip_cap()
    {
        var limits = Limits(AdmissionSettings.Open with { MaxConnectionsPerIp = 1, MaxConnectsPerIpPerSecond = 1 });
        Assert.Null(limits.Check(Peer, 0));
        limits.Opened(Peer);

        Assert.Equal("rate", limits.Check(Peer, 1)?.Reason);
        Assert.Equal("per-ip", limits.Check(Peer, System.Diagnostics.Stopwatch.Frequency * 2)?.Reason);
    }
}
