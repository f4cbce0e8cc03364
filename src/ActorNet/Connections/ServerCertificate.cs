using System.Net.Security;
using System.Security.Cryptography;
using ActorNet.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorNet.Connections;

/// <summary>
/// The certificate a TLS source presents, reloaded when its files change: each handshake asks for it, which costs a
/// stat of the two files; only a changed size or modification time reads them again. Established sessions keep the
/// certificate they were made with (SslStream holds its own reference). Called from many connection actors at once.
/// </summary>
/// <remarks>
/// A pair that does not load is remembered by its stamp and not read again until a file changes again: a rotation
/// that writes the certificate before the key is seen mismatched for a moment, keeps the previous certificate in use
/// meanwhile, and loads once the key is written.
/// </remarks>
internal sealed class ServerCertificate
{
    private readonly string _source;
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private volatile Loaded? _current;
    private FileStamp? _failedStamp;
    private string _failure = "not loaded yet";

    public ServerCertificate(string source, string certificatePath, string keyPath, ILogger log)
    {
        _source = source;
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _log = log;
        Current(out _);
    }

    /// <summary>The certificate new handshakes present; null, with <paramref name="problem"/>, when none has ever loaded.</summary>
    public SslStreamCertificateContext? Current(out string? problem)
    {
        var stamp = FileStamp.Of(_certificatePath, _keyPath);
        var current = _current;
        problem = null;
        if (current is not null && current.Stamp == stamp) return current.Context;
        lock (_gate)
        {
            current = _current;
            if ((current is null || current.Stamp != stamp) && _failedStamp != stamp) current = Load(stamp, current);
            problem = current is null ? _failure : null;
            return current?.Context;
        }
    }

    private Loaded? Load(FileStamp stamp, Loaded? previous)
    {
        try
        {
            var (certificate, intermediates) = TlsCertificateFiles.Load(_certificatePath, _keyPath);
            var loaded = new Loaded(stamp, SslStreamCertificateContext.Create(certificate, intermediates, offline: true));
            _current = loaded;
            _failedStamp = null;
            // The first load is the start-up's, already checked; only a change is news.
            if (previous is not null) _log.CertificateReloaded(_source, _certificatePath, certificate.Subject, certificate.NotAfter.ToUniversalTime());
            return loaded;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            _failedStamp = stamp;
            _failure = $"certificate {_certificatePath} with key {_keyPath} does not load: {e.Message}";
            _log.CertificateReloadFailed(_source, _certificatePath, _keyPath, e.Message);
            return previous;
        }
    }

    private sealed record Loaded(FileStamp Stamp, SslStreamCertificateContext Context);

    /// <summary>What says a file changed: its size and modification time (nanoseconds on Linux file systems), for both files.</summary>
    private readonly record struct FileStamp(long CertificateLength, DateTime CertificateWritten, long KeyLength, DateTime KeyWritten)
    {
        public static FileStamp Of(string certificatePath, string keyPath)
        {
            var certificate = new FileInfo(certificatePath);
            var key = new FileInfo(keyPath);
            return new FileStamp(
                certificate.Exists ? certificate.Length : -1, certificate.Exists ? certificate.LastWriteTimeUtc : default,
                key.Exists ? key.Length : -1, key.Exists ? key.LastWriteTimeUtc : default);
        }
    }
}
