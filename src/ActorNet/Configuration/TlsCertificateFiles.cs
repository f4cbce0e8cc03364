using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorNet.Configuration;

/// <summary>
/// Reads the PEM files of a <c>tls</c> block: a certificate with its intermediates and its key, and a bundle of CA
/// certificates. The start-up check and the connections' reloading read them the same way, so what passes the check
/// is what a handshake uses.
/// </summary>
public static class TlsCertificateFiles
{
    /// <summary>
    /// The certificate (first in <paramref name="certificatePath"/>) with the key of <paramref name="keyPath"/>, and the
    /// certificates after it (intermediates). Throws what the files' reading throws.
    /// </summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection Intermediates) Load(string certificatePath, string keyPath)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        if (all.Count == 0) throw new CryptographicException($"{certificatePath} holds no PEM certificate");
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++) intermediates.Add(all[i]);
        all[0].Dispose();
        return (certificate, intermediates);
    }

    /// <summary>The CA certificates of a PEM bundle; throws when it cannot be read or holds none.</summary>
    public static X509Certificate2Collection LoadTrust(string path)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        if (all.Count == 0) throw new CryptographicException($"{path} holds no PEM certificate");
        return all;
    }

    internal static string? CertificateProblem(string path)
    {
        try
        {
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(path);
            if (all.Count == 0) return "a PEM file holding a certificate (-----BEGIN CERTIFICATE-----); it holds none";
            foreach (var certificate in all) certificate.Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"a readable PEM file holding a certificate ({e.Message})";
        }
    }

    internal static string? KeyProblem(string certificatePath, string keyPath)
    {
        try
        {
            Load(certificatePath, keyPath).Certificate.Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"a readable PEM file holding the private key of certificate ({e.Message})";
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key of another certificate ("the key does not match the certificate's public key").
            return $"a PEM file holding the unencrypted private key of certificate {certificatePath} ({e.Message})";
        }
    }

    internal static string? TrustProblem(string path)
    {
        try
        {
            foreach (var certificate in LoadTrust(path)) certificate.Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"a readable PEM file of CA certificates ({e.Message})";
        }
    }
}
