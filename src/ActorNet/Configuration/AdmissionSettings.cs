namespace ActorNet.Configuration;

/// <summary>proxy-protocol: which PROXY protocol header a tcp-listen source requires before anything else.</summary>
public enum ProxyProtocolMode
{
    Off,

    /// <summary>The text header (<c>PROXY TCP4 ...\r\n</c>), HAProxy's <c>send-proxy</c>.</summary>
    V1,

    /// <summary>The binary header, HAProxy's <c>send-proxy-v2</c>.</summary>
    V2,

    /// <summary>Either, told apart by the first byte.</summary>
    Any,
}

/// <summary>on-max-connections: what a tcp-listen source does at max-connections.</summary>
public enum AtMaxConnections
{
    /// <summary>Accept the peer and close it at once, counted as rejected (max-connections).</summary>
    Close,

    /// <summary>Stop accepting until a connection ends: peers wait in the kernel's listen backlog (as Erlang ranch does).</summary>
    Pause,
}

/// <summary>
/// Who a tcp-listen source lets in, read from the source's block (see reference.conf): the PROXY protocol header
/// that gives the real peer, and the limits per peer address.
/// </summary>
/// <param name="TrustedProxies">The addresses a PROXY header is taken from; a connection from any other is refused (untrusted-proxy).</param>
/// <param name="ProxyHeaderTimeout">How long a trusted proxy may take to send the whole header.</param>
/// <param name="Allow">When not empty, only peers in these blocks are let in.</param>
/// <param name="Deny">Peers in these blocks are refused (denied), even when allow also lists them.</param>
/// <param name="MaxConnectionsPerIp">Open connections one peer address may hold; null = no limit.</param>
/// <param name="MaxConnectsPerIpPerSecond">New connections one peer address may make per second (a token bucket that
/// holds one second's worth); null = no limit.</param>
public sealed record AdmissionSettings(
    ProxyProtocolMode ProxyProtocol,
    CidrList TrustedProxies,
    TimeSpan ProxyHeaderTimeout,
    CidrList Allow,
    CidrList Deny,
    int? MaxConnectionsPerIp,
    int? MaxConnectsPerIpPerSecond,
    AtMaxConnections OnMaxConnections)
{
    public static readonly AdmissionSettings Open = new(ProxyProtocolMode.Off, CidrList.Empty, TimeSpan.FromSeconds(5), CidrList.Empty,
        CidrList.Empty, null, null, AtMaxConnections.Close);

    /// <summary>Whether any rule looks at the peer's address (otherwise admission needs no address at all).</summary>
    public bool LimitsPeers => !Allow.IsEmpty || !Deny.IsEmpty || MaxConnectionsPerIp is not null || MaxConnectsPerIpPerSecond is not null;

    internal static AdmissionSettings Read(ConfigSection s, SourceType type)
    {
        var settings = new AdmissionSettings(
            s.Choice("proxy-protocol", new Dictionary<string, ProxyProtocolMode>
            {
                ["off"] = ProxyProtocolMode.Off, ["v1"] = ProxyProtocolMode.V1, ["v2"] = ProxyProtocolMode.V2, ["any"] = ProxyProtocolMode.Any,
            }),
            CidrList.Read(s, "trusted-proxies"),
            s.RequiredDuration("proxy-header-timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
            CidrList.Read(s, "allow"),
            CidrList.Read(s, "deny"),
            s.IntOr("max-connections-per-ip", "off", 1, 1_000_000),
            s.IntOr("max-connects-per-ip-per-second", "off", 1, 1_000_000),
            s.Choice("on-max-connections", new Dictionary<string, AtMaxConnections> { ["close"] = AtMaxConnections.Close, ["pause"] = AtMaxConnections.Pause }));

        // Every peer would be refused: more likely a forgotten list than a wish.
        if (settings.ProxyProtocol != ProxyProtocolMode.Off && settings.TrustedProxies.IsEmpty && s.Valid("trusted-proxies"))
            s.Error("trusted-proxies", "[]", "the addresses of the proxies in front (such as [ 10.0.0.5/32 ]) when proxy-protocol is on: a PROXY header is only taken from them");

        if (type != SourceType.TcpListen) RejectOnOtherTypes(settings, s, type);
        return settings;
    }

    /// <summary>These keys are about peers a listener accepts: said at start-up rather than ignored on other sources.</summary>
    private static void RejectOnOtherTypes(AdmissionSettings settings, ConfigSection s, SourceType type)
    {
        var expected = $"its default for a {TypeName(type)} source (only tcp-listen sources accept peers)";
        if (settings.ProxyProtocol != ProxyProtocolMode.Off) s.Error("proxy-protocol", s.Text("proxy-protocol", ""), "off: " + expected);
        if (!settings.TrustedProxies.IsEmpty) s.Error("trusted-proxies", settings.TrustedProxies.ToString(), "[]: " + expected);
        if (!settings.Allow.IsEmpty) s.Error("allow", settings.Allow.ToString(), "[]: " + expected);
        if (!settings.Deny.IsEmpty) s.Error("deny", settings.Deny.ToString(), "[]: " + expected);
        if (settings.MaxConnectionsPerIp is { } perIp) s.Error("max-connections-per-ip", perIp.ToString(), "off: " + expected);
        if (settings.MaxConnectsPerIpPerSecond is { } rate) s.Error("max-connects-per-ip-per-second", rate.ToString(), "off: " + expected);
        if (settings.OnMaxConnections != AtMaxConnections.Close) s.Error("on-max-connections", "pause", "close: " + expected);
    }

    private static string TypeName(SourceType type) => type switch
    {
        SourceType.TcpConnect => "tcp-connect",
        SourceType.Udp => "udp",
        SourceType.File => "file",
        _ => "tcp-listen",
    };
}
