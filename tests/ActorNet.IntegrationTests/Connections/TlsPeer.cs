using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorNet.IntegrationTests.Support;

namespace ActorNet.IntegrationTests.Connections;

/// <summary>A device speaking TLS to a tcp-listen source on loopback: a real socket under a real SslStream.</summary>
public sealed class TlsPeer : IAsyncDisposable
{
    private TlsPeer(Socket socket, SslStream stream)
    {
        Socket = socket;
        Stream = stream;
    }

    public Socket Socket { get; }
    public SslStream Stream { get; }

    /// <summary>The certificate the server presented in this session.</summary>
    public X509Certificate2 ServerCertificate => new(Stream.RemoteCertificate!);

    /// <param name="trusted">The only server certificate accepted (a self-signed one, compared by thumbprint).</param>
    /// <param name="clientCertificate">Presented when the server asks; null for none.</param>
    public static async Task<TlsPeer> ConnectAsync(int port, X509Certificate2 trusted, X509Certificate2? clientCertificate = null)
    {
        var socket = await Loopback.ConnectAsync(port);
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && new X509Certificate2(certificate).Thumbprint == trusted.Thumbprint,
            }).WaitAsync(TimeSpan.FromSeconds(10));
            return new TlsPeer(socket, stream);
        }
        catch
        {
            await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }

    public async Task SendLinesAsync(params string[] lines)
    {
        await Stream.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
        await Stream.FlushAsync();
    }

    /// <summary>
    /// Completes when the server has ended the session: a read returns 0 or fails (a TLS alert, a reset). With TLS 1.3
    /// a refused client certificate is only seen here, after the client's side of the handshake has completed.
    /// </summary>
    public async Task AwaitClosedByServerAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[256];
        try
        {
            while (await Stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
        {
            // An alert or a reset: closed either way.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the server did not end the TLS session within {within.TotalSeconds:0.###} s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Socket.Dispose();
    }
}
