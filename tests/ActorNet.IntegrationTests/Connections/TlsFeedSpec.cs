using System.Security.Cryptography.X509Certificates;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Connections;

/// <summary>TLS on tcp-connect: ActorNet as the client of a TLS feed server on loopback, checking its certificate.</summary>
public sealed class TlsFeedSpec : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _directory = new();
    private readonly string _source = TestConfig.UniqueSourceName("tls-feed");
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("actornet-test-vendor-ca");
    private readonly X509Certificate2 _serverCertificate;

    public TlsFeedSpec()
    {
        using var issued = TestCertificates.IssueServer(_ca, "feed.vendor.test", dnsName: "feed.vendor.test");
        _serverCertificate = TestCertificates.WithExportableKey(issued);
        TestCertificates.WriteCertificatePem(_ca, CaFile);
        using var client = TestCertificates.IssueClient(_ca, "actornet-feed");
        TestCertificates.WritePem(client, _directory.File("client.pem"), _directory.File("client.key"));
    }

    public void Dispose()
    {
        _serverCertificate.Dispose();
        _ca.Dispose();
        _directory.Dispose();
    }

    private string CaFile => _directory.File("vendor-ca.pem");
    private string Frames => _directory.File("frames.jsonl");

    private Task<InProcessActorNet> StartFeedAsync(TlsFeedServer server, string tlsKeys) =>
        InProcessActorNet.StartAsync(TestConfig.OneSource(_source, server.Port, _directory, $$"""
            type = tcp-connect, host = "127.0.0.1", parser = text
            reconnect { min-backoff = 50ms, max-backoff = 200ms }
            tls { {{tlsKeys}} }
            """));

    [Fact]
    public async Task A_feed_checks_its_server_against_ca_and_server_name_presents_its_certificate_and_stores_the_lines()
    {
        await using var server = new TlsFeedServer(_serverCertificate, askForClientCertificate: true, "tick 1", "tick 2");
        using var metrics = new SourceMetrics(_source);
        await using var net = await StartFeedAsync(server,
            $"server-name = feed.vendor.test, ca = \"{CaFile}\", certificate = \"{_directory.File("client.pem")}\", private-key = \"{_directory.File("client.key")}\"");

        await Eventually.TrueAsync(() => JsonlRecords.Count(Frames) == 2, Bound, () => $"2 records; found {JsonlRecords.Count(Frames)}\n{net.Log.Dump()}");
        Assert.Equal(["tick 1", "tick 2"], JsonlRecords.TextPayloads(Frames));
        Assert.Equal(["CN=actornet-feed"], server.ClientSubjects);
        Assert.Equal(0, metrics.Total("actornet.connections.rejected", "tls-handshake"));
    }

    [Fact]
    public async Task A_feed_whose_server_never_answers_the_handshake_is_never_reported_connected()
    {
        // A server that accepts the TCP connection and then says nothing: the handshake can only time out.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<System.Net.Sockets.Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) accepted.Add(await silent.AcceptSocketAsync(stop.Token));
        });
        using var metrics = new SourceMetrics(_source);
        try
        {
            await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(_source, port, _directory, $$"""
                type = tcp-connect, host = "127.0.0.1", parser = text
                reconnect { min-backoff = 50ms, max-backoff = 200ms }
                tls { server-name = feed.vendor.test, ca = "{{CaFile}}", handshake-timeout = 300ms }
                """));

            await Eventually.TrueAsync(() => metrics.Total("actornet.connections.rejected", "tls-handshake") >= 2, Bound,
                () => $"two handshakes timed out; seen {metrics.Total("actornet.connections.rejected", "tls-handshake")}\n{net.Log.Dump()}");
            // Connected at the TCP level each time, never at the feed's: the state and its log line wait for the handshake.
            Assert.DoesNotContain($"Source {_source} connected to", net.Log.Dump(), StringComparison.Ordinal);
            Assert.Contains("TLS handshake", net.Log.Dump("reconnecting"), StringComparison.Ordinal);
        }
        finally
        {
            stop.Cancel();
            silent.Stop();
            foreach (var socket in accepted.ToArray()) socket.Dispose();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Theory]
    [InlineData("wrong-name", "it is not for server-name wrong.vendor.test")]
    [InlineData("system-store", "it is not trusted by the system's trusted roots")]
    public async Task A_feed_refuses_a_server_whose_certificate_it_cannot_check_counts_it_and_says_why(string case_, string reason)
    {
        await using var server = new TlsFeedServer(_serverCertificate, askForClientCertificate: false, "never stored");
        using var metrics = new SourceMetrics(_source);
        var keys = case_ == "wrong-name" ? $"server-name = wrong.vendor.test, ca = \"{CaFile}\"" : "enabled = on, server-name = feed.vendor.test";
        await using var net = await StartFeedAsync(server, keys);

        // Refused, then tried again after the backoff, and refused again: the feed lives on and keeps saying why.
        await Eventually.TrueAsync(() => metrics.Total("actornet.connections.rejected", "tls-handshake") >= 2, Bound,
            () => $"two tls-handshake rejections; seen {metrics.Total("actornet.connections.rejected", "tls-handshake")}\n{net.Log.Dump()}");
        Assert.Contains(reason, net.Log.Dump("TLS handshake with"));
        Assert.Contains($"TLS handshake failed: the server's certificate CN=feed.vendor.test was refused: {reason}", net.Log.Dump("reconnecting"));
        Assert.Equal(0, JsonlRecords.Count(Frames));
    }
}
