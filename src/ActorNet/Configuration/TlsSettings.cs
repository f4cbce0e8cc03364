using System.Security.Authentication;
using System.Security.Cryptography;

namespace ActorNet.Configuration;

/// <summary>Whether a tcp-listen source asks its peers for a certificate (tls.client-certificates).</summary>
public enum ClientCertificateMode
{
    Off,

    /// <summary>Asked for; a peer without one is let in, one with a certificate client-ca does not sign is refused.</summary>
    Optional,

    /// <summary>A peer without a certificate signed by client-ca is refused.</summary>
    Required,
}

/// <summary>
/// A source's <c>tls</c> block (see reference.conf). Paths only, compared by value: the certificates themselves are
/// loaded here once to validate them and again by the connections' <c>SourceTls</c>, which reloads them when the files change.
/// </summary>
/// <param name="Enabled">Whether the source speaks TLS (enabled = auto resolved for its type).</param>
/// <param name="Certificate">PEM file: the certificate and its intermediates; for tcp-connect an optional client certificate.</param>
/// <param name="PrivateKey">PEM file: the certificate's key.</param>
/// <param name="ClientCa">tcp-listen: PEM file of the CAs that sign client certificates.</param>
/// <param name="ServerName">tcp-connect: SNI and the name the server's certificate must carry (the source's host when not set).</param>
/// <param name="Ca">tcp-connect: PEM file of the CAs trusted for the server; "" = the system store.</param>
public sealed record TlsSettings(
    bool Enabled,
    string Certificate,
    string PrivateKey,
    ClientCertificateMode ClientCertificates,
    string ClientCa,
    string ServerName,
    string Ca,
    SslProtocols Protocols,
    TimeSpan HandshakeTimeout)
{
    public static readonly TlsSettings Off = new(false, "", "", ClientCertificateMode.Off, "", "", "", SslProtocols.None, TimeSpan.FromSeconds(10));

    private static readonly Dictionary<string, SslProtocols> ProtocolNames = new() { ["tls12"] = SslProtocols.Tls12, ["tls13"] = SslProtocols.Tls13 };

    private static readonly Dictionary<string, string> EnabledChoices = new() { ["auto"] = "auto", ["on"] = "on", ["off"] = "off" };

    private static readonly Dictionary<string, ClientCertificateMode> ClientModes = new()
    {
        ["off"] = ClientCertificateMode.Off,
        ["optional"] = ClientCertificateMode.Optional,
        ["required"] = ClientCertificateMode.Required,
    };

    internal static TlsSettings Read(ConfigSection t, SourceType type, string host)
    {
        const string pemFile = "a PEM file path, or \"\" for none";
        var enabled = t.Choice("enabled", EnabledChoices);
        var certificate = t.Text("certificate", pemFile) ?? "";
        var privateKey = t.Text("private-key", pemFile) ?? "";
        var clientMode = t.Choice("client-certificates", ClientModes);
        var clientCa = t.Text("client-ca", pemFile) ?? "";
        var serverName = t.Text("server-name", "a DNS name such as feed.example.com, or \"\" for the source's host") ?? "";
        var ca = t.Text("ca", "a PEM file path, or \"\" for the system's trusted roots") ?? "";
        var protocols = ReadProtocols(t);
        var timeout = t.RequiredDuration("handshake-timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));

        var on = enabled switch
        {
            "on" => true,
            "off" => false,
            _ => type switch
            {
                SourceType.TcpListen => certificate.Length > 0,
                SourceType.TcpConnect => serverName.Length > 0 || ca.Length > 0 || certificate.Length > 0,
                _ => false,
            },
        };
        if (!on) return Off;
        if (type is not (SourceType.TcpListen or SourceType.TcpConnect))
        {
            t.Error("enabled", enabled, "off (or auto) for a udp or file source: TLS is for tcp-listen and tcp-connect");
            return Off;
        }

        const string connectOnly = "\"\": it is a tcp-connect key (a tcp-listen source checks its clients against client-ca)";
        const string listenOnly = "off: clients are a tcp-listen matter (a tcp-connect source presents certificate and private-key)";
        if (type == SourceType.TcpListen)
        {
            if (serverName.Length > 0) t.Error("server-name", serverName, connectOnly);
            if (ca.Length > 0) t.Error("ca", ca, connectOnly);
            if (certificate.Length == 0 && t.Valid("certificate"))
                t.Error("certificate", null, "is missing; expected the PEM file of the certificate a tcp-listen source presents when tls is on");
        }
        else
        {
            if (clientMode != ClientCertificateMode.Off) t.Error("client-certificates", t.Text("client-certificates", "")!, listenOnly);
            if (clientCa.Length > 0) t.Error("client-ca", clientCa, "\"\": it is a tcp-listen key (a tcp-connect source trusts ca)");
            if (serverName.Length > 0 && Uri.CheckHostName(serverName) == UriHostNameType.Unknown)
                t.Error("server-name", serverName, "a DNS name or an IP address, such as feed.example.com");
            if (ca.Length > 0) CheckTrust(t, "ca", ca);
        }

        if (certificate.Length > 0 || privateKey.Length > 0) CheckCertificate(t, certificate, privateKey);
        if (clientMode != ClientCertificateMode.Off)
        {
            if (clientCa.Length == 0)
                t.Error("client-ca", null, $"is missing; expected a PEM file of the CA certificates that sign client certificates when client-certificates = {t.Text("client-certificates", "")}");
            else CheckTrust(t, "client-ca", clientCa);
        }

        return new TlsSettings(true, certificate, privateKey, clientMode, clientCa,
            type == SourceType.TcpConnect && serverName.Length == 0 ? host : serverName, ca, protocols, timeout);
    }

    private static SslProtocols ReadProtocols(ConfigSection t)
    {
        var expected = "a list of " + string.Join(", ", ProtocolNames.Keys) + ", such as [ tls12, tls13 ]";
        var names = t.StringList("protocols", expected);
        if (names is null) return SslProtocols.Tls12 | SslProtocols.Tls13;
        if (names.Count == 0) t.Error("protocols", "[]", "at least one of " + string.Join(", ", ProtocolNames.Keys));
        var protocols = SslProtocols.None;
        foreach (var name in names)
        {
            if (ProtocolNames.TryGetValue(name, out var protocol)) protocols |= protocol;
            else t.Error("protocols", name, expected);
        }
        return protocols;
    }

    /// <summary>Loads the pair as a handshake would, so that an unreadable file or a key of another certificate fails the start-up.</summary>
    private static void CheckCertificate(ConfigSection t, string certificate, string privateKey)
    {
        if (certificate.Length == 0)
        {
            t.Error("certificate", null, "is missing; expected the PEM file of the certificate that private-key belongs to");
            return;
        }
        if (privateKey.Length == 0)
        {
            t.Error("private-key", null, "is missing; expected the PEM file of the private key of certificate");
            return;
        }
        if (TlsCertificateFiles.CertificateProblem(certificate) is { } problem)
        {
            t.Error("certificate", certificate, problem);
            return;
        }
        if (TlsCertificateFiles.KeyProblem(certificate, privateKey) is { } keyProblem) t.Error("private-key", privateKey, keyProblem);
    }

    private static void CheckTrust(ConfigSection t, string key, string path)
    {
        if (TlsCertificateFiles.TrustProblem(path) is { } problem) t.Error(key, path, problem);
    }
}
