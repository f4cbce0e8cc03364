using ActorNet.Configuration;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class UdpSourceSettingsSpec
{
    private static string Udp(string keys) => $$"""
        actornet.sources.syslog {
          type = udp
          port = 5514
          {{keys}}
        }
        """;

    private static string ErrorOf(string hocon) =>
        string.Join("\n", Assert.Throws<InvalidConfigurationException>(() => ActorNetSettings.Parse(hocon)).Errors);

    [Fact]
    public void Reads_a_udp_source_with_its_receive_buffer_and_max_peers()
    {
        var source = Assert.Single(ActorNetSettings.Parse(Udp("receive-buffer-size = 8 MiB\nmax-peers = 50\nframing.type = raw")).Sources);

        Assert.Equal(SourceType.Udp, source.Type);
        Assert.Equal(5514, source.Port);
        Assert.Equal(8 * 1024 * 1024, source.Udp.ReceiveBufferSize);
        Assert.Equal(50, source.Udp.MaxPeers);
    }

    [Fact]
    public void Takes_the_defaults_from_reference_conf()
    {
        var source = Assert.Single(ActorNetSettings.Parse(Udp("")).Sources);

        Assert.Equal(4 * 1024 * 1024, source.Udp.ReceiveBufferSize);
        Assert.Equal(10_000, source.Udp.MaxPeers);
    }

    [Fact]
    public void Leaves_the_receive_buffer_to_the_kernel_when_off()
    {
        Assert.Null(Assert.Single(ActorNetSettings.Parse(Udp("receive-buffer-size = off")).Sources).Udp.ReceiveBufferSize);
    }

    [Theory]
    [InlineData("receive-buffer-size = 12", "actornet.sources.syslog.receive-buffer-size: \"12\" is not valid; expected a size from 1 KiB to 1 GiB")]
    [InlineData("receive-buffer-size = lots", "actornet.sources.syslog.receive-buffer-size: \"lots\" is not valid")]
    [InlineData("max-peers = 0", "actornet.sources.syslog.max-peers: \"0\" is not valid")]
    [InlineData("ack.enabled = on, framing.type = delimiter", "actornet.sources.syslog.ack.enabled: \"on\" is not valid; expected off for a udp source")]
    [InlineData("max-peer = 5", "max-peer")]
    public void Refuses_a_bad_udp_key_naming_the_key_and_the_value(string keys, string expected)
    {
        Assert.Contains(expected, ErrorOf(Udp(keys)));
    }

    [Fact]
    public void Refuses_two_udp_sources_on_one_address_but_not_a_udp_and_a_tcp_source()
    {
        var twice = """
            actornet.sources {
              a { type = udp, port = 5514 }
              b { type = udp, port = 5514 }
            }
            """;
        Assert.Contains("a and b both listen on 127.0.0.1:5514", ErrorOf(twice));

        var tcpAndUdp = """
            actornet.sources {
              a { type = udp, port = 5514 }
              b { type = tcp-listen, port = 5514 }
            }
            """;
        Assert.Equal(2, ActorNetSettings.Parse(tcpAndUdp).Sources.Count);
    }
}
