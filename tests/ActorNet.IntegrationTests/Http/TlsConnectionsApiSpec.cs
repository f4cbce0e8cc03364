using System.Net.Http.Json;
using System.Text.Json;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Connections;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

public sealed class TlsConnectionsApiSpec : HttpTestKit
{
    private readonly TempDirectory _directory = new();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _directory.Dispose();
        base.Dispose(disposing);
    }

    [Fact]
    public async Task A_connection_shows_the_subject_of_its_client_certificate()
    {
        using var server = TestCertificates.CreateSelfSigned("admin-api-server");
        using var ca = TestCertificates.CreateCa("admin-api-devices");
        using var issued = TestCertificates.IssueClient(ca, "meter-42");
        using var device = TestCertificates.WithExportableKey(issued);
        TestCertificates.WritePem(server, _directory.File("server.pem"), _directory.File("server.key"));
        TestCertificates.WriteCertificatePem(ca, _directory.File("ca.pem"));
        await StartAsync($$"""
            tls {
              certificate = "{{_directory.File("server.pem")}}", private-key = "{{_directory.File("server.key")}}"
              client-certificates = required, client-ca = "{{_directory.File("ca.pem")}}"
            }
            """);

        await using var peer = await TlsPeer.ConnectAsync(Port, server, device);
        await peer.SendLinesAsync("x");
        await PollAsync(ConnectionsAsync, c => c.Count == 1 && c[0].Frames == 1, c => $"{c.Count} connection(s)");

        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/connections"));
        var connection = document.RootElement.GetProperty("connections")[0];
        Assert.Equal("CN=meter-42", connection.GetProperty("clientSubject").GetString());
        Assert.Equal(peer.Socket.PeerName(), connection.GetProperty("peer").GetString());
    }

    private async Task<IReadOnlyList<ConnectionView>> ConnectionsAsync() =>
        (await Http.GetFromJsonAsync("/api/connections", AdminJsonContext.Default.ConnectionsResponse))!.Connections;
}
