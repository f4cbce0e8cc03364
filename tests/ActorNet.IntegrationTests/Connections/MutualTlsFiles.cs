using System.Security.Cryptography.X509Certificates;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Connections;

/// <summary>
/// What a tcp-listen source needs for mutual TLS, made by the test (<see cref="TestCertificates"/>) in its directory: a
/// self-signed server certificate with its key, and a CA whose client certificates the listener trusts.
/// </summary>
public sealed class MutualTlsFiles : IDisposable
{
    private readonly TempDirectory _directory;

    public MutualTlsFiles(TempDirectory directory)
    {
        _directory = directory;
        Server = TestCertificates.CreateSelfSigned("actornet-test-server");
        ClientCa = TestCertificates.CreateCa("actornet-test-devices");
        TestCertificates.WritePem(Server, directory.File("server.pem"), directory.File("server.key"));
        TestCertificates.WriteCertificatePem(ClientCa, directory.File("clients.pem"));
    }

    /// <summary>The certificate the listener presents (what <see cref="TlsPeer"/> trusts).</summary>
    public X509Certificate2 Server { get; }

    public X509Certificate2 ClientCa { get; }

    /// <summary>The source's <c>tls</c> block, asking for client certificates (<c>optional</c> or <c>required</c>).</summary>
    public string TlsBlock(string clientCertificates = "optional") => $$"""
        tls {
          certificate = "{{_directory.File("server.pem")}}", private-key = "{{_directory.File("server.key")}}"
          client-certificates = {{clientCertificates}}, client-ca = "{{_directory.File("clients.pem")}}"
        }
        """;

    /// <summary>A client certificate with CN = <paramref name="commonName"/>, signed by <see cref="ClientCa"/>, ready for SslStream.</summary>
    public X509Certificate2 Client(string commonName)
    {
        using var issued = TestCertificates.IssueClient(ClientCa, commonName);
        return TestCertificates.WithExportableKey(issued);
    }

    public void Dispose()
    {
        Server.Dispose();
        ClientCa.Dispose();
    }
}
