using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.IntegrationTests.Support;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorNet.Tests.Connections;

/// <summary>
/// The TLS reads of <see cref="SocketTransport"/> on a real loopback connection with a real SslStream on each side: a
/// receive goes on through every record that is ready, so one completion carries more than one 16 KiB record, and
/// it never waits for bytes still to come once it has some.
/// </summary>
public sealed class SocketTransportTlsSpec : TestKit
{
    private const int RecordPayload = 16 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("actornet-transport-tls-").FullName;
    private readonly SourceTls _tls;

    public SocketTransportTlsSpec()
    {
        using var certificate = TestCertificates.CreateSelfSigned("transport");
        var certificatePath = Path.Combine(_dir, "server.pem").Replace('\\', '/');
        var keyPath = Path.Combine(_dir, "server.key").Replace('\\', '/');
        TestCertificates.WritePem(certificate, certificatePath, keyPath);
        var source = ActorNetSettings.Parse($$"""
            actornet.sources.sensors { type = tcp-listen, host = "127.0.0.1", port = 7000,
              tls { certificate = "{{certificatePath}}", private-key = "{{keyPath}}" } }
            """).Sources[0];
        _tls = new SourceTls(source, NullLogger.Instance);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A server transport with its handshake done, the raw server socket, and the client's TLS stream over its socket.</summary>
    private async Task<(SocketTransport Transport, Socket Server, SslStream Client, Socket ClientSocket)> ConnectedAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clientSocket.ConnectAsync(listener.LocalEndPoint!);
        var server = await listener.AcceptAsync();
        var transport = new SocketTransport(server);
        transport.BeginTlsHandshake(_tls, TestActor);
        var client = new SslStream(new NetworkStream(clientSocket, ownsSocket: true));
        await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            // The test's own self-signed certificate: what is under test is reading, not trust.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ExpectMsg<TlsOutcome>().Ok);
        transport.HandshakeHandled();
        return (transport, server, client, clientSocket);
    }

    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)('a' + i % 26);
        return bytes;
    }

    private ConnectionProtocol.ReadCompleted Receive(SocketTransport transport, byte[] buffer)
    {
        transport.BeginReceive(buffer, 0, buffer.Length, TestActor);
        var read = ExpectMsg<ConnectionProtocol.ReadCompleted>();
        transport.ReadHandled();
        return read;
    }

    private void WaitForData(SocketTransport transport)
    {
        transport.BeginWaitForData(TestActor);
        ExpectMsg<ConnectionProtocol.DataAvailable>();
        transport.ReadHandled();
    }

    [Fact]
    public async Task A_receive_carries_every_record_that_is_ready_up_to_its_buffer()
    {
        var (transport, server, client, _) = await ConnectedAsync();
        using var _ = transport;
        await using var __ = client;
        var sent = Payload(100 * 1024);

        // One write of 100 KiB: seven records, at most 16 KiB each.
        await client.WriteAsync(sent);
        AwaitCondition(() => server.Available >= sent.Length, TimeSpan.FromSeconds(10));

        var buffer = new byte[64 * 1024];
        var first = Receive(transport, buffer);
        // SslStream alone hands over at most the records whole in its own buffer (one or two); this read took four.
        Assert.True(first.Count > RecordPayload, $"the first receive carried {first.Count} bytes, no more than one record");
        Assert.Equal(buffer.Length, first.Count);
        var received = new MemoryStream();
        received.Write(buffer, 0, first.Count);
        while (received.Length < sent.Length)
        {
            var read = Receive(transport, buffer);
            Assert.True(read.Count > 0, $"the stream ended after {received.Length} of {sent.Length} bytes");
            received.Write(buffer, 0, read.Count);
        }
        Assert.Equal(sent, received.ToArray());
    }

    [Fact]
    public async Task A_receive_hands_over_what_it_has_at_once_and_the_next_wait_sees_what_comes_later()
    {
        var (transport, _, client, _) = await ConnectedAsync();
        using var _ = transport;
        await using var __ = client;
        var buffer = new byte[64 * 1024];

        await client.WriteAsync("hello\n"u8.ToArray());
        WaitForData(transport);
        var first = Receive(transport, buffer);
        Assert.Equal("hello\n", Encoding.ASCII.GetString(buffer, 0, first.Count));

        // Nothing more was sent: the receive above left its question under way as the wait, which answers now.
        await client.WriteAsync("world\n"u8.ToArray());
        WaitForData(transport);
        var second = Receive(transport, buffer);
        Assert.Equal("world\n", Encoding.ASCII.GetString(buffer, 0, second.Count));
    }

    [Fact]
    public async Task Bytes_before_the_end_of_the_stream_come_first_and_the_end_with_the_next_receive()
    {
        var (transport, _, client, clientSocket) = await ConnectedAsync();
        using var _ = transport;
        await using var __ = client;
        var buffer = new byte[64 * 1024];

        // close_notify and the FIN right behind the last record: a receive that reads on past the record meets the end
        // of the stream, and must keep it for the next receive rather than let it swallow the record.
        await client.WriteAsync("last\n"u8.ToArray());
        await client.ShutdownAsync();
        clientSocket.Shutdown(SocketShutdown.Send);
        WaitForData(transport);

        var read = Receive(transport, buffer);
        Assert.Equal("last\n", Encoding.ASCII.GetString(buffer, 0, read.Count));
        Assert.Equal(0, Receive(transport, buffer).Count);
    }
}
