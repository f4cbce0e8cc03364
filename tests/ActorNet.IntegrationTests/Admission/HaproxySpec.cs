using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Admission;

/// <summary>A fact that starts a real HAProxy; skipped, saying so, where Debian's haproxy is not installed.</summary>
public sealed class HaproxyFactAttribute : FactAttribute
{
    public HaproxyFactAttribute()
    {
        if (HaproxySpec.Executable is null) Skip = "needs haproxy on PATH or in /usr/sbin (Debian: apt-get install haproxy; .ci/run installs it)";
    }
}

/// <summary>
/// A real HAProxy in front of ActorNet on loopback, with <c>send-proxy</c> (v1) and <c>send-proxy-v2</c>: the stored
/// peer is the client's address (127.0.0.x the client bound to), not HAProxy's (127.0.0.1).
/// </summary>
public sealed class HaproxySpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    // /usr/sbin is not on an ordinary user's PATH, and Debian puts haproxy there.
    public static string? Executable => ProgramFactAttribute.Find("haproxy") ?? (File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : null);

    [HaproxyFact]
    public async Task Haproxy_with_send_proxy_and_send_proxy_v2_passes_on_the_clients_address_as_the_peer()
    {
        using var directory = new TempDirectory();
        var source = TestConfig.UniqueSourceName("haproxy");
        var port = Loopback.FreePort();
        var (v1Port, v2Port) = (Loopback.FreePort(), Loopback.FreePort());
        using var metrics = new SourceMetrics(source);
        await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory,
            "parser = text, proxy-protocol = any, trusted-proxies = [ 127.0.0.1 ]"));
        var config = directory.File("haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
              maxconn 100
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend v1
              bind 127.0.0.1:{v1Port}
              default_backend actornet-v1
            frontend v2
              bind 127.0.0.1:{v2Port}
              default_backend actornet-v2
            backend actornet-v1
              server actornet 127.0.0.1:{port} send-proxy
            backend actornet-v2
              server actornet 127.0.0.1:{port} send-proxy-v2

            """);
        using var haproxy = StartHaproxy(config);
        try
        {
            await AwaitListeningAsync(v1Port, haproxy);
            await AwaitListeningAsync(v2Port, haproxy);

            using var viaV1 = await LoopbackPeers.ConnectFromAsync("127.0.0.2", v1Port);
            using var viaV2 = await LoopbackPeers.ConnectFromAsync("127.0.0.3", v2Port);
            await viaV1.SendAsync("through send-proxy\n");
            await viaV2.SendAsync("through send-proxy-v2\n");

            var frames = directory.File("frames.jsonl");
            var records = await Eventually.ValueAsync(() => JsonlRecords.Read(frames), r => r.Count == 2, Bound, "both frames stored");
            Assert.Equal(viaV1.PeerName(), PeerOf(records, "through send-proxy"));
            Assert.Equal(viaV2.PeerName(), PeerOf(records, "through send-proxy-v2"));
            Assert.StartsWith("127.0.0.2:", viaV1.PeerName());
            // HAProxy's headers were all taken (the readiness probes' connections may come and go, but never untrusted or malformed).
            Assert.Equal(0, metrics.Total("actornet.connections.rejected", "untrusted-proxy") + metrics.Total("actornet.connections.rejected", "proxy-header"));
        }
        finally
        {
            Stop(haproxy);
        }
    }

    [HaproxyFact]
    public async Task Haproxy_passing_tls_through_with_send_proxy_v2_gives_the_clients_address_to_a_tls_listener()
    {
        using var directory = new TempDirectory();
        using var certificate = TestCertificates.CreateSelfSigned("actornet-behind-haproxy");
        TestCertificates.WritePem(certificate, directory.File("server.pem"), directory.File("server.key"));
        var source = TestConfig.UniqueSourceName("haproxy-tls");
        var port = Loopback.FreePort();
        var frontPort = Loopback.FreePort();
        using var metrics = new SourceMetrics(source);
        await using var net = await InProcessActorNet.StartAsync(TestConfig.OneSource(source, port, directory, $$"""
            parser = text
            proxy-protocol = v2
            trusted-proxies = [ 127.0.0.1 ]
            tls { certificate = "{{directory.File("server.pem")}}", private-key = "{{directory.File("server.key")}}" }
            """));
        var config = directory.File("haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend tls-through
              bind 127.0.0.1:{frontPort}
              default_backend actornet
            backend actornet
              server actornet 127.0.0.1:{port} send-proxy-v2

            """);
        using var haproxy = StartHaproxy(config);
        try
        {
            await AwaitListeningAsync(frontPort, haproxy);

            // The PROXY header comes first, in the clear, then the client's own TLS handshake, which HAProxy passes through.
            using var socket = await LoopbackPeers.ConnectFromAsync("127.0.0.4", frontPort);
            await using var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: false));
            await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(presented).Thumbprint == certificate.Thumbprint,
            }).WaitAsync(Bound);
            await tls.WriteAsync("over tls behind haproxy\n"u8.ToArray());
            await tls.FlushAsync();

            var frames = directory.File("frames.jsonl");
            var record = (await Eventually.ValueAsync(() => JsonlRecords.Read(frames), r => r.Count == 1, Bound, $"the frame stored; log: {net.Log.Dump()}"))[0];
            Assert.Equal("over tls behind haproxy", record.GetProperty("payload").GetString());
            Assert.Equal(socket.PeerName(), record.GetProperty("peer").GetString());
            Assert.StartsWith("127.0.0.4:", socket.PeerName());
            // The readiness probe's connection, passed on with its header but no TLS, may fail its handshake; no header was refused.
            Assert.Equal(0, metrics.Total("actornet.connections.rejected", "untrusted-proxy") + metrics.Total("actornet.connections.rejected", "proxy-header"));
        }
        finally
        {
            Stop(haproxy);
        }
    }

    private static string? PeerOf(IReadOnlyList<JsonElement> records, string payload) =>
        records.Single(r => r.GetProperty("payload").GetString() == payload).GetProperty("peer").GetString();

    private static Process StartHaproxy(string config)
    {
        // -db: stay in the foreground; -W would add a master process, which the test would have to stop as well.
        var info = new ProcessStartInfo(Executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-db", "-f", config }) info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task AwaitListeningAsync(int port, Process haproxy)
    {
        await Eventually.TrueAsync(() =>
        {
            if (haproxy.HasExited) throw new Xunit.Sdk.XunitException($"haproxy exited with {haproxy.ExitCode}: {haproxy.StandardError.ReadToEnd()}");
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Connect(System.Net.IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, Bound, () => $"haproxy listening on {port}");
    }

    private static void Stop(Process haproxy)
    {
        if (!haproxy.HasExited) haproxy.Kill();
        haproxy.WaitForExit(5000);
    }
}
