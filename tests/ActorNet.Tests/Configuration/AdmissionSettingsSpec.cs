using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class AdmissionSettingsSpec
{
    private static AdmissionSettings Parse(string keys, string type = "tcp-listen") => ActorNetSettings.Parse($$"""
        actornet.sources.edge { type = {{type}}, port = 7000, {{keys}} }
        """).Sources[0].Admission;

    private static string ErrorOf(string keys, string type = "tcp-listen") =>
        string.Join("\n", Assert.Throws<InvalidConfigurationException>(() => Parse(keys, type)).Errors);

    [Fact]
    public void Lets_every_peer_in_by_default()
    {
        var admission = Parse("");

        Assert.Equal(ProxyProtocolMode.Off, admission.ProxyProtocol);
        Assert.True(admission.TrustedProxies.IsEmpty);
        Assert.Equal(TimeSpan.FromSeconds(5), admission.ProxyHeaderTimeout);
        Assert.True(admission.Allow.IsEmpty);
        Assert.True(admission.Deny.IsEmpty);
        Assert.Null(admission.MaxConnectionsPerIp);
        Assert.Null(admission.MaxConnectsPerIpPerSecond);
        Assert.Equal(AtMaxConnections.Close, admission.OnMaxConnections);
        Assert.False(admission.LimitsPeers);
    }

    [Fact]
    public void Reads_every_key()
    {
        var admission = Parse("""
            proxy-protocol = any
            trusted-proxies = [ 10.0.0.0/8, "fd00::/8", 127.0.0.1 ]
            proxy-header-timeout = 750ms
            allow = [ 192.168.0.0/16 ]
            deny = [ 192.168.66.0/24 ]
            max-connections-per-ip = 20
            max-connects-per-ip-per-second = 5
            on-max-connections = pause
            """);

        Assert.Equal(ProxyProtocolMode.Any, admission.ProxyProtocol);
        Assert.Equal("[ 10.0.0.0/8, fd00::/8, 127.0.0.1/32 ]", admission.TrustedProxies.ToString());
        Assert.Equal(TimeSpan.FromMilliseconds(750), admission.ProxyHeaderTimeout);
        Assert.Equal("[ 192.168.0.0/16 ]", admission.Allow.ToString());
        Assert.Equal("[ 192.168.66.0/24 ]", admission.Deny.ToString());
        Assert.Equal(20, admission.MaxConnectionsPerIp);
        Assert.Equal(5, admission.MaxConnectsPerIpPerSecond);
        Assert.Equal(AtMaxConnections.Pause, admission.OnMaxConnections);
        Assert.True(admission.LimitsPeers);
    }

    [Fact]
    public void The_behind_haproxy_example_is_valid_and_says_what_it_shows()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ActorNet.sln"))) root = Path.GetDirectoryName(root)!;
        var source = Assert.Single(ActorNetSettings.Parse(File.ReadAllText(Path.Combine(root, "deploy", "examples", "behind-haproxy.conf"))).Sources);

        Assert.Equal(ProxyProtocolMode.V2, source.Admission.ProxyProtocol);
        Assert.Equal("[ 127.0.0.1/32 ]", source.Admission.TrustedProxies.ToString());
        Assert.Equal(AtMaxConnections.Pause, source.Admission.OnMaxConnections);
        Assert.Equal(20, source.Admission.MaxConnectionsPerIp);
        Assert.Equal(5, source.Admission.MaxConnectsPerIpPerSecond);
    }

    [Fact]
    public void The_same_text_read_twice_gives_equal_settings_so_a_reload_leaves_the_source_alone()
    {
        const string keys = "proxy-protocol = v1, trusted-proxies = [ 10.0.0.0/8, \"fd00::/8\" ], deny = [ 192.0.2.1 ], allow = [ 192.0.2.0/24 ]";

        Assert.Equal(Parse(keys), Parse(keys));
        Assert.NotEqual(Parse(keys), Parse(keys.Replace("192.0.2.1", "192.0.2.2")));
    }

    [Theory]
    [InlineData("proxy-protocol = v3", "actornet.sources.edge.proxy-protocol: \"v3\" is not valid; expected one of off, v1, v2, any")]
    [InlineData("deny = [ 10.0.0.1/8 ]",
        "actornet.sources.edge.deny: \"10.0.0.1/8\" is not valid; expected a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, or a single address such as 192.0.2.7 (10.0.0.1/8 has bits set past its /8 prefix (did you mean 10.0.0.0/8?))")]
    [InlineData("allow = [ \"10.0.0.0/40\" ]", "actornet.sources.edge.allow: \"10.0.0.0/40\" is not valid; expected a CIDR block")]
    [InlineData("allow = 10.0.0.0/8", "actornet.sources.edge.allow: \"10.0.0.0/8\" is not valid; expected a list of")]
    [InlineData("proxy-protocol = v1, trusted-proxies = [ localhost ]", "actornet.sources.edge.trusted-proxies: \"localhost\" is not valid")]
    [InlineData("proxy-protocol = v2",
        "actornet.sources.edge.trusted-proxies: \"[]\" is not valid; expected the addresses of the proxies in front (such as [ 10.0.0.5/32 ]) when proxy-protocol is on")]
    [InlineData("max-connections-per-ip = 0", "actornet.sources.edge.max-connections-per-ip: \"0\" is not valid; expected an integer from 1 to 1000000, or off")]
    [InlineData("max-connects-per-ip-per-second = fast", "actornet.sources.edge.max-connects-per-ip-per-second: \"fast\" is not valid")]
    [InlineData("on-max-connections = wait", "actornet.sources.edge.on-max-connections: \"wait\" is not valid; expected one of close, pause")]
    [InlineData("proxy-header-timeout = 0s", "actornet.sources.edge.proxy-header-timeout: \"0s\" is not valid")]
    [InlineData("max-connection-per-ip = 3", "max-connection-per-ip: unknown key")]
    public void Names_the_key_the_value_and_what_was_expected(string keys, string expected)
    {
        Assert.Contains(expected, ErrorOf(keys));
    }

    [Theory]
    [InlineData("tcp-connect", "proxy-protocol = v1, trusted-proxies = [ 10.0.0.1 ]", "actornet.sources.edge.proxy-protocol: \"v1\" is not valid; expected off: its default for a tcp-connect source (only tcp-listen sources accept peers)")]
    [InlineData("udp", "max-connections-per-ip = 3", "actornet.sources.edge.max-connections-per-ip: \"3\" is not valid; expected off: its default for a udp source")]
    [InlineData("tcp-connect", "on-max-connections = pause", "actornet.sources.edge.on-max-connections: \"pause\" is not valid; expected close: its default for a tcp-connect source")]
    [InlineData("tcp-connect", "deny = [ 10.0.0.0/8 ]", "actornet.sources.edge.deny: \"[ 10.0.0.0/8 ]\" is not valid")]
    public void Refuses_the_keys_on_a_source_that_accepts_no_peers(string type, string keys, string expected)
    {
        Assert.Contains(expected, ErrorOf(keys + (type == "udp" ? ", framing.type = raw, ack.enabled = off" : ""), type));
    }
}
