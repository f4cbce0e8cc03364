using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorNet.IntegrationTests.Support;

/// <summary>
/// Certificates made by the test itself with .NET's <see cref="CertificateRequest"/> (ECDSA P-256: quick to make),
/// and written as the PEM files a <c>tls</c> block names. Nothing comes from the machine's store.
/// </summary>
public static class TestCertificates
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>A certificate authority that can sign the certificates below.</summary>
    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A self-signed server certificate for <paramref name="dnsName"/> (and 127.0.0.1).</summary>
    public static X509Certificate2 CreateSelfSigned(string subject, string dnsName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Leaf(subject, key, dnsName, ServerAuth);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, string subject, string dnsName = "localhost") =>
        Issue(ca, subject, dnsName, ServerAuth);

    /// <summary>A client certificate (CN = <paramref name="subject"/>) signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string subject) => Issue(ca, subject, dnsName: null, ClientAuth);

    /// <summary>Writes the certificate to <paramref name="certificatePath"/> and its private key (PKCS#8) to <paramref name="keyPath"/>.</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException($"{certificate.Subject} has no ECDSA private key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Writes only the certificate (a CA bundle of one).</summary>
    public static void WriteCertificatePem(X509Certificate2 certificate, string path) => File.WriteAllText(path, certificate.ExportCertificatePem());

    /// <summary>
    /// A certificate usable by SslStream on the test's side: the certificate with its key, as SslStream on Linux takes it.
    /// </summary>
    public static X509Certificate2 WithExportableKey(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string? dnsName, Oid usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Leaf(subject, key, dnsName, usage);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        return signed.CopyWithPrivateKey(key);
    }

    private static CertificateRequest Leaf(string subject, ECDsa key, string? dnsName, Oid usage)
    {
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (dnsName is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(dnsName);
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        return request;
    }
}
