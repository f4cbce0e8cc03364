using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorNet.Benchmarks.Common;

/// <summary>
/// A self-signed server certificate (ECDSA P-256, as most devices' servers now use) written as the PEM pair a
/// <c>tls</c> block names, in a directory of its own that is deleted on dispose. Made per run: nothing from the store.
/// </summary>
public sealed class BenchmarkCertificate : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actornet-bench-tls-").FullName;

    public BenchmarkCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>With forward slashes, to be pasted into HOCON as is.</summary>
    public string CertificatePath => Path.Combine(_directory, "server.pem").Replace('\\', '/');

    public string KeyPath => Path.Combine(_directory, "server.key").Replace('\\', '/');

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
