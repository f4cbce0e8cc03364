using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorNet.IntegrationTests.Connections;

/// <summary>
/// A vendor's feed server speaking TLS on loopback: accepts, runs the server side of the handshake with its
/// certificate (asking for a client certificate when told to), then writes its lines to each client.
/// </summary>
public sealed class TlsFeedServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly X509Certificate2 _certificate;
    private readonly bool _askForClientCertificate;
    private readonly string[] _lines;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <param name="certificate">The server's certificate, with its key.</param>
    /// <param name="lines">Written to every client once its handshake is done.</param>
    public TlsFeedServer(X509Certificate2 certificate, bool askForClientCertificate, params string[] lines)
    {
        _certificate = certificate;
        _askForClientCertificate = askForClientCertificate;
        _lines = lines;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The subjects of the client certificates presented, one per completed handshake ("" for none).</summary>
    public ConcurrentQueue<string> ClientSubjects { get; } = new();

    /// <summary>Handshakes that failed on this side, with the reason.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    private async Task AcceptLoopAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true) clients.Add(ServeAsync(await _listener.AcceptAsync(_stop.Token)));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        await Task.WhenAll(clients);
    }

    private async Task ServeAsync(Socket client)
    {
        await using var stream = new SslStream(new NetworkStream(client, ownsSocket: true));
        try
        {
            await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _certificate,
                ClientCertificateRequired = _askForClientCertificate,
                // The test checks the subject itself; trust is ActorNet's side of the test.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, _stop.Token);
            ClientSubjects.Enqueue(stream.RemoteCertificate?.Subject ?? "");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(_lines.Select(l => l + "\n"))), _stop.Token);
            await stream.FlushAsync(_stop.Token);
            // Stay connected until stopped or the client leaves.
            var buffer = new byte[256];
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            Failures.Enqueue(e.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
