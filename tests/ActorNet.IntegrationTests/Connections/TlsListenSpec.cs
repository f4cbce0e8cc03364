using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Connections;

/// <summary>TLS on tcp-listen, end to end: real sockets on loopback, certificates made by the test, records in jsonl.</summary>
public sealed class TlsListenSpec : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _directory = new();
    private readonly string _source = TestConfig.UniqueSourceName("tls");
    private readonly int _port = Loopback.FreePort();
    private readonly X509Certificate2 _server = TestCertificates.CreateSelfSigned("actornet-test-server");
    private readonly X509Certificate2 _clientCa = TestCertificates.CreateCa("actornet-test-devices");

    public TlsListenSpec()
    {
        TestCertificates.WritePem(_server, CertificateFile, KeyFile);
        TestCertificates.WriteCertificatePem(_clientCa, _directory.File("clients.pem"));
    }

    public void Dispose()
    {
        _server.Dispose();
        _clientCa.Dispose();
        _directory.Dispose();
    }

    private string CertificateFile => _directory.File("server.pem");
    private string KeyFile => _directory.File("server.key");
    private string Frames => _directory.File("frames.jsonl");

    private Task<InProcessActorNet> StartAsync(string tlsKeys = "") => InProcessActorNet.StartAsync(TestConfig.OneSource(_source, _port, _directory, $$"""
        parser = text
        tls { certificate = "{{CertificateFile}}", private-key = "{{KeyFile}}", {{tlsKeys}} }
        """));

    private string ClientCaKeys(string mode) => $"client-certificates = {mode}, client-ca = \"{_directory.File("clients.pem")}\"";

    [Fact]
    public async Task A_peer_speaking_TLS_to_a_self_signed_listener_has_its_lines_stored()
    {
        await using var net = await StartAsync();

        await using var peer = await TlsPeer.ConnectAsync(_port, _server);
        await peer.SendLinesAsync("first", "second");
        await peer.SendLinesAsync("third");

        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 3, Bound, () => $"3 records; found {JsonlRecords.Count(Frames)}\n{net.Log.Dump()}");
        Assert.Equal(["first", "second", "third"], JsonlRecords.TextPayloads(Frames));
        var record = JsonlRecords.Read(Frames)[0];
        Assert.Equal(peer.Socket.PeerName(), record.GetProperty("peer").GetString());
        // No client certificate was asked for: the record has no subject.
        Assert.False(record.TryGetProperty("clientSubject", out _));
    }

    [Fact]
    public async Task A_plaintext_peer_fails_the_handshake_is_counted_and_the_listener_keeps_serving()
    {
        using var metrics = new SourceMetrics(_source);
        await using var net = await StartAsync();

        using (var plain = await Loopback.ConnectAsync(_port))
        {
            await plain.SendAsync(Encoding.ASCII.GetBytes("not a client hello\n"));
            await plain.AwaitClosedByServerAsync(Bound);
        }
        await Eventually.TrueAsync(() => metrics.Total("actornet.connections.rejected", "tls-handshake") == 1, Bound,
            () => $"one tls-handshake rejection; seen {metrics.Total("actornet.connections.rejected", "tls-handshake")}");
        await Eventually.TrueAsync(() => net.Log.Dump("TLS handshake with").Length > 0, Bound, () => "the failure logged");

        await using var peer = await TlsPeer.ConnectAsync(_port, _server);
        await peer.SendLinesAsync("after the bad one");
        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 1, Bound, () => $"1 record; found {JsonlRecords.Count(Frames)}");
        Assert.Empty(JsonlRecords.Read(_directory.File("quarantine.jsonl")));
    }

    [Fact]
    public async Task A_peer_that_never_finishes_its_handshake_is_closed_after_handshake_timeout()
    {
        using var metrics = new SourceMetrics(_source);
        await using var net = await StartAsync("handshake-timeout = 300ms");

        using var silent = await Loopback.ConnectAsync(_port);
        await silent.AwaitClosedByServerAsync(Bound);

        await Eventually.TrueAsync(() => metrics.Total("actornet.connections.rejected", "tls-handshake") == 1, Bound,
            () => $"one tls-handshake rejection; seen {metrics.Total("actornet.connections.rejected", "tls-handshake")}");
        Assert.Contains("not finished within handshake-timeout (300ms)", net.Log.Dump("TLS handshake with"));
    }

    [Fact]
    public async Task Required_client_certificates_refuse_a_peer_without_one_and_record_the_subject_of_one_with_one()
    {
        using var metrics = new SourceMetrics(_source);
        using var device = TestCertificates.IssueClient(_clientCa, "device-17");
        using var deviceCertificate = TestCertificates.WithExportableKey(device);
        await using var net = await StartAsync(ClientCaKeys("required"));

        await RefusedAsync(clientCertificate: null);
        await Eventually.TrueAsync(() => metrics.Total("actornet.connections.rejected", "tls-handshake") == 1, Bound,
            () => $"one tls-handshake rejection; seen {metrics.Total("actornet.connections.rejected", "tls-handshake")}\n{net.Log.Dump()}");
        Assert.Contains("the peer sent no client certificate (client-certificates = required)", net.Log.Dump("TLS handshake with"));

        await using var peer = await TlsPeer.ConnectAsync(_port, _server, deviceCertificate);
        await peer.SendLinesAsync("signed in");
        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 1, Bound, () => $"1 record; found {JsonlRecords.Count(Frames)}\n{net.Log.Dump()}");
        Assert.Equal("CN=device-17", JsonlRecords.Read(Frames)[0].GetProperty("clientSubject").GetString());
        Assert.Equal(1, metrics.Total("actornet.connections.rejected", "tls-handshake"));
    }

    [Fact]
    public async Task Required_client_certificates_refuse_one_that_client_ca_did_not_sign()
    {
        using var metrics = new SourceMetrics(_source);
        using var otherCa = TestCertificates.CreateCa("someone-else");
        using var stranger = TestCertificates.IssueClient(otherCa, "stranger");
        using var strangerCertificate = TestCertificates.WithExportableKey(stranger);
        await using var net = await StartAsync(ClientCaKeys("required"));

        await RefusedAsync(strangerCertificate);

        await Eventually.TrueAsync(() => metrics.Total("actornet.connections.rejected", "tls-handshake") == 1, Bound,
            () => $"one tls-handshake rejection; seen {metrics.Total("actornet.connections.rejected", "tls-handshake")}");
        Assert.Contains("client certificate CN=stranger is not trusted by client-ca", net.Log.Dump("TLS handshake with"));
        Assert.Equal(0, JsonlRecords.Count(Frames));
    }

    [Fact]
    public async Task Optional_client_certificates_let_a_peer_without_one_in_and_record_the_subject_of_one_with_one()
    {
        using var metrics = new SourceMetrics(_source);
        using var device = TestCertificates.IssueClient(_clientCa, "device-3");
        using var deviceCertificate = TestCertificates.WithExportableKey(device);
        await using var net = await StartAsync(ClientCaKeys("optional"));

        await using (var anonymous = await TlsPeer.ConnectAsync(_port, _server))
        {
            await anonymous.SendLinesAsync("anonymous");
            await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 1, Bound, () => $"1 record; found {JsonlRecords.Count(Frames)}\n{net.Log.Dump()}");
        }
        await using var signed = await TlsPeer.ConnectAsync(_port, _server, deviceCertificate);
        await signed.SendLinesAsync("signed");
        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 2, Bound, () => $"2 records; found {JsonlRecords.Count(Frames)}");

        var records = JsonlRecords.Read(Frames);
        Assert.False(records[0].TryGetProperty("clientSubject", out _));
        Assert.Equal("CN=device-3", records[1].GetProperty("clientSubject").GetString());
        Assert.Equal(0, metrics.Total("actornet.connections.rejected", "tls-handshake"));
    }

    [Fact]
    public async Task A_rotated_certificate_is_presented_to_new_handshakes_while_an_old_session_keeps_streaming()
    {
        using var rotated = TestCertificates.CreateSelfSigned("actornet-test-server-rotated");
        await using var net = await StartAsync();
        await using var old = await TlsPeer.ConnectAsync(_port, _server);
        await old.SendLinesAsync("old 1");
        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 1, Bound, () => $"1 record; found {JsonlRecords.Count(Frames)}");

        // Key first, then certificate: between the two the pair does not match, and the previous one stays in use.
        TestCertificates.WritePem(rotated, _directory.File("next.pem"), _directory.File("next.key"));
        File.Copy(_directory.File("next.key"), KeyFile, overwrite: true);
        File.Copy(_directory.File("next.pem"), CertificateFile, overwrite: true);

        await using var fresh = await TlsPeer.ConnectAsync(_port, rotated);
        Assert.Equal(rotated.Thumbprint, fresh.ServerCertificate.Thumbprint);
        await fresh.SendLinesAsync("new 1");
        await old.SendLinesAsync("old 2");

        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 3, Bound, () => $"3 records; found {JsonlRecords.Count(Frames)}\n{net.Log.Dump()}");
        Assert.Equal(["new 1", "old 1", "old 2"], JsonlRecords.TextPayloads(Frames).Order());
        Assert.Equal(_server.Thumbprint, old.ServerCertificate.Thumbprint);
        Assert.Contains("actornet-test-server-rotated", net.Log.Dump("reloaded"));
    }

    [Fact]
    public async Task Stopping_ActorNet_drains_a_TLS_session_and_stores_what_it_read()
    {
        var net = await StartAsync();
        await using var peer = await TlsPeer.ConnectAsync(_port, _server);
        await peer.SendLinesAsync("before the stop", "and this one");
        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 2, Bound, () => $"2 records; found {JsonlRecords.Count(Frames)}");

        // The pending TLS read is ended by the drain (shutdown of the socket's receiving side), not by the peer.
        await net.DisposeAsync();

        await peer.AwaitClosedByServerAsync(Bound);
        Assert.Equal(["before the stop", "and this one"], JsonlRecords.TextPayloads(Frames));
        Assert.Contains("drained", net.Log.Dump("Source " + _source));
    }

    /// <summary>The handshake fails on the client's side (TLS 1.2) or its first read does (TLS 1.3, which ends the handshake first).</summary>
    private async Task RefusedAsync(X509Certificate2? clientCertificate)
    {
        TlsPeer? peer = null;
        try
        {
            peer = await TlsPeer.ConnectAsync(_port, _server, clientCertificate);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return;
        }
        await using (peer)
        {
            await peer.AwaitClosedByServerAsync(Bound);
        }
    }
}
