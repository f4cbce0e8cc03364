using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorNet.Configuration;
using ActorNet.Monitoring;
using Microsoft.Extensions.Logging;

namespace ActorNet.Connections;

/// <summary>
/// TLS for one source's connections, shared by all of them (<see cref="TlsContexts"/>): the certificate it presents
/// (reloaded when its files change), the CAs it trusts, and the handshake as server (tcp-listen) or client
/// (tcp-connect). The handshake's outcome is a <see cref="TlsOutcome"/>, never an exception: a peer failing its
/// handshake is expected input, counted and logged by the connection.
/// </summary>
internal sealed class SourceTls
{
    private readonly string _source;
    private readonly bool _server;
    private readonly ServerCertificate? _certificate;
    private readonly SslStreamCertificateContext? _clientCertificate;
    private readonly X509Certificate2Collection? _trust;
    private readonly string? _clientProblem;
    private readonly LogBudget _failureLog = new(perSecond: 1);

    public SourceTls(SourceSettings source, ILogger log)
    {
        Settings = source.Tls;
        _source = source.Name;
        _server = source.Type == SourceType.TcpListen;
        if (_server)
        {
            _certificate = new ServerCertificate(source.Name, Settings.Certificate, Settings.PrivateKey, log);
            if (Settings.ClientCertificates != ClientCertificateMode.Off) _trust = TryLoadTrust(Settings.ClientCa);
        }
        else
        {
            // A client certificate is read once: it is presented to one feed server, which a reload of the source renews.
            if (Settings.Certificate.Length > 0)
            {
                try
                {
                    var (certificate, intermediates) = TlsCertificateFiles.Load(Settings.Certificate, Settings.PrivateKey);
                    _clientCertificate = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
                {
                    // Checked at start-up; changed since. Every handshake fails with this reason until the source is reloaded.
                    _clientProblem = $"client certificate {Settings.Certificate} with key {Settings.PrivateKey} does not load: {e.Message}";
                }
            }
            if (Settings.Ca.Length > 0) _trust = TryLoadTrust(Settings.Ca);
        }
    }

    public TlsSettings Settings { get; }

    /// <summary>
    /// True when a handshake failure may be logged now (one line a second per source); <paramref name="suppressed"/>
    /// says how many were not logged since the last line. Every failure is counted regardless.
    /// </summary>
    public bool MayLogFailure(out long suppressed)
    {
        lock (_failureLog) return _failureLog.TryTake(Environment.TickCount64, out suppressed);
    }

    /// <summary>Runs the handshake on <paramref name="stream"/> within handshake-timeout.</summary>
    public async Task<TlsOutcome> AuthenticateAsync(SslStream stream, CancellationToken cancel)
    {
        string? rejection = null;
        try
        {
            if (_server)
            {
                var context = _certificate!.Current(out var problem);
                if (context is null) return TlsOutcome.Failed(problem!);
                await stream.AuthenticateAsServerAsync(ServerOptions(context, r => rejection = r), cancel).ConfigureAwait(false);
                return TlsOutcome.Succeeded(stream.RemoteCertificate?.Subject, stream.SslProtocol);
            }
            if (_clientProblem is not null) return TlsOutcome.Failed(_clientProblem);
            await stream.AuthenticateAsClientAsync(ClientOptions(r => rejection = r), cancel).ConfigureAwait(false);
            return TlsOutcome.Succeeded(null, stream.SslProtocol);
        }
        catch (OperationCanceledException)
        {
            return TlsOutcome.Failed($"not finished within handshake-timeout ({HoconUnits.Duration(Settings.HandshakeTimeout)})");
        }
        catch (Exception e) when (e is AuthenticationException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException
                                      or CryptographicException or InvalidOperationException)
        {
            // The callback's reason says what was wrong with a certificate; SslStream's own message only that it was rejected.
            return TlsOutcome.Failed(rejection ?? Innermost(e));
        }
    }

    private SslServerAuthenticationOptions ServerOptions(SslStreamCertificateContext context, Action<string> reject)
    {
        var mode = Settings.ClientCertificates;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            EnabledSslProtocols = Settings.Protocols,
            ClientCertificateRequired = mode != ClientCertificateMode.Off,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = _trust is null ? null : TrustPolicy(_trust),
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (mode == ClientCertificateMode.Off) return true;
                if (certificate is null)
                {
                    if (mode == ClientCertificateMode.Optional) return true;
                    reject("the peer sent no client certificate (client-certificates = required)");
                    return false;
                }
                if (_trust is null)
                {
                    reject($"client-ca {Settings.ClientCa} could not be read, so no client certificate can be trusted");
                    return false;
                }
                if (errors == SslPolicyErrors.None) return true;
                reject($"client certificate {certificate.Subject} is not trusted by client-ca {Settings.ClientCa} ({errors})");
                return false;
            },
        };
    }

    private SslClientAuthenticationOptions ClientOptions(Action<string> reject) => new()
    {
        TargetHost = Settings.ServerName,
        EnabledSslProtocols = Settings.Protocols,
        ClientCertificateContext = _clientCertificate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = _trust is null ? null : TrustPolicy(_trust),
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            var what = new List<string>();
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                what.Add($"it is not for server-name {Settings.ServerName}");
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            {
                var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? [];
                what.Add($"it is not trusted by {(Settings.Ca.Length > 0 ? "ca " + Settings.Ca : "the system's trusted roots")} ({string.Join(", ", status)})");
            }
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) what.Add("the server sent none");
            reject($"the server's certificate {certificate?.Subject} was refused: {string.Join("; ", what)} ({errors})");
            return false;
        },
    };

    /// <summary>Only these CAs are trusted (not the system store); revocation is not checked (no network fetches in a handshake).</summary>
    private static X509ChainPolicy TrustPolicy(X509Certificate2Collection trust)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(trust);
        return policy;
    }

    private static X509Certificate2Collection? TryLoadTrust(string path)
    {
        try
        {
            return TlsCertificateFiles.LoadTrust(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // Checked at start-up; gone since. Handshakes that need it fail with a reason saying so.
            return null;
        }
    }

    private static string Innermost(Exception e)
    {
        var message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) message += ": " + inner.Message;
        return message;
    }

    public override string ToString() => $"TLS of source {_source}";
}

/// <summary>The outcome of a handshake: the client certificate's subject when there is one, or why it failed.</summary>
internal sealed record TlsOutcome(bool Ok, string? ClientSubject, SslProtocols Protocol, string Failure)
{
    public static TlsOutcome Succeeded(string? clientSubject, SslProtocols protocol) => new(true, clientSubject, protocol, "");

    public static TlsOutcome Failed(string reason) => new(false, null, SslProtocols.None, reason);
}
