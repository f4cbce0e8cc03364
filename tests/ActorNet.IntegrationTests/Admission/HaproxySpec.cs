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
            Assert.Equal(0, metrics.Total("actornet.connections.rejected"));
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
