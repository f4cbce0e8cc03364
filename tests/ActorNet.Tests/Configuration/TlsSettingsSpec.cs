using System.Security.Authentication;
using ActorNet.Configuration;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.Tests.Configuration;

public sealed class TlsSettingsSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actornet-tls-").FullName;

    public TlsSettingsSpec()
    {
        using var server = TestCertificates.CreateSelfSigned("server");
        TestCertificates.WritePem(server, File("server.pem"), File("server.key"));
        using var other = TestCertificates.CreateSelfSigned("other");
        TestCertificates.WritePem(other, File("other.pem"), File("other.key"));
        using var ca = TestCertificates.CreateCa("clients");
        TestCertificates.WriteCertificatePem(ca, File("ca.pem"));
        System.IO.File.WriteAllText(File("garbage.pem"), "not a certificate\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name).Replace('\\', '/');

    private static SourceSettings Source(string keys, string type = "tcp-listen") => ActorNetSettings.Parse($$"""
        actornet.sources.sensors { type = {{type}}, host = "127.0.0.1", port = 7000, {{keys}} }
        """).Sources[0];

    private static IReadOnlyList<string> Errors(string keys, string type = "tcp-listen") =>
        Assert.Throws<InvalidConfigurationException>(() => Source(keys, type)).Errors;

    [Fact]
    public void Is_off_unless_a_certificate_is_named()
    {
        Assert.Equal(TlsSettings.Off, Source("").Tls);
        Assert.False(Source("").Tls.Enabled);
    }

    [Fact]
    public void A_listener_with_a_certificate_speaks_tls12_and_tls13_with_a_ten_second_handshake()
    {
        var tls = Source($"tls {{ certificate = \"{File("server.pem")}\", private-key = \"{File("server.key")}\" }}").Tls;

        Assert.True(tls.Enabled);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.Protocols);
        Assert.Equal(TimeSpan.FromSeconds(10), tls.HandshakeTimeout);
        Assert.Equal(ClientCertificateMode.Off, tls.ClientCertificates);
    }

    [Fact]
    public void An_unreadable_certificate_is_named_with_its_key_and_value()
    {
        var missing = File("missing.pem");
        var error = Assert.Single(Errors($"tls {{ certificate = \"{missing}\", private-key = \"{File("server.key")}\" }}"));

        Assert.StartsWith($"actornet.sources.sensors.tls.certificate: \"{missing}\" is not valid; expected a readable PEM file holding a certificate", error);
    }

    [Fact]
    public void A_file_without_a_certificate_is_refused()
    {
        var error = Assert.Single(Errors($"tls {{ certificate = \"{File("garbage.pem")}\", private-key = \"{File("server.key")}\" }}"));

        Assert.Contains("actornet.sources.sensors.tls.certificate", error);
        Assert.Contains("holds none", error);
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused_naming_private_key()
    {
        var error = Assert.Single(Errors($"tls {{ certificate = \"{File("server.pem")}\", private-key = \"{File("other.key")}\" }}"));

        Assert.StartsWith($"actornet.sources.sensors.tls.private-key: \"{File("other.key")}\" is not valid; expected a PEM file holding the unencrypted private key of certificate", error);
    }

    [Fact]
    public void Required_client_certificates_need_client_ca()
    {
        var error = Assert.Single(Errors($"tls {{ certificate = \"{File("server.pem")}\", private-key = \"{File("server.key")}\", client-certificates = required }}"));

        Assert.Equal("actornet.sources.sensors.tls.client-ca: is missing; expected a PEM file of the CA certificates that sign client certificates when client-certificates = required", error);
    }

    [Fact]
    public void Client_certificates_and_protocols_are_read()
    {
        var tls = Source($"tls {{ certificate = \"{File("server.pem")}\", private-key = \"{File("server.key")}\", client-certificates = optional, client-ca = \"{File("ca.pem")}\", protocols = [ tls13 ], handshake-timeout = 2s }}").Tls;

        Assert.Equal(ClientCertificateMode.Optional, tls.ClientCertificates);
        Assert.Equal(File("ca.pem"), tls.ClientCa);
        Assert.Equal(SslProtocols.Tls13, tls.Protocols);
        Assert.Equal(TimeSpan.FromSeconds(2), tls.HandshakeTimeout);
    }

    [Theory]
    [InlineData("protocols = [ ssl3 ]", "actornet.sources.sensors.tls.protocols: \"ssl3\" is not valid; expected a list of tls12, tls13")]
    [InlineData("protocols = [ ]", "actornet.sources.sensors.tls.protocols: \"[]\" is not valid; expected at least one of tls12, tls13")]
    [InlineData("client-certificates = sometimes", "actornet.sources.sensors.tls.client-certificates: \"sometimes\" is not valid; expected one of off, optional, required")]
    [InlineData("handshake-timeout = 0s", "actornet.sources.sensors.tls.handshake-timeout: \"0s\" is not valid")]
    [InlineData("server-name = feed.example.com", "actornet.sources.sensors.tls.server-name: \"feed.example.com\" is not valid; expected \"\": it is a tcp-connect key")]
    public void A_bad_listener_value_names_its_key(string keys, string expected)
    {
        var error = Assert.Single(Errors($"tls {{ certificate = \"{File("server.pem")}\", private-key = \"{File("server.key")}\", {keys} }}"));

        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void Turning_tls_on_without_a_certificate_is_refused_for_a_listener()
    {
        var error = Assert.Single(Errors("tls { enabled = on }"));

        Assert.StartsWith("actornet.sources.sensors.tls.certificate: is missing", error);
    }

    [Fact]
    public void A_feed_checks_the_server_against_its_host_unless_server_name_is_set()
    {
        var byHost = Source("tls { enabled = on }", "tcp-connect").Tls;
        var named = Source($"tls {{ server-name = feed.example.com, ca = \"{File("ca.pem")}\" }}", "tcp-connect").Tls;

        Assert.True(byHost.Enabled);
        Assert.Equal("127.0.0.1", byHost.ServerName);
        Assert.Equal("", byHost.Ca);
        Assert.True(named.Enabled);
        Assert.Equal("feed.example.com", named.ServerName);
        Assert.Equal(File("ca.pem"), named.Ca);
    }

    [Fact]
    public void A_feed_refuses_listener_keys_and_an_unreadable_ca()
    {
        var errors = Errors($"tls {{ enabled = on, client-certificates = required, ca = \"{File("garbage.pem")}\" }}", "tcp-connect");

        Assert.Contains(errors, e => e.StartsWith("actornet.sources.sensors.tls.client-certificates: \"required\" is not valid; expected off", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"actornet.sources.sensors.tls.ca: \"{File("garbage.pem")}\" is not valid; expected a readable PEM file of CA certificates", StringComparison.Ordinal));
    }

    [Fact]
    public void A_udp_source_cannot_turn_tls_on()
    {
        var error = Assert.Single(Errors("tls { enabled = on }", "udp"));

        Assert.StartsWith("actornet.sources.sensors.tls.enabled: \"on\" is not valid; expected off (or auto) for a udp or file source", error);
    }
}
