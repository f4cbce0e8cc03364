using System.Net.Http.Json;
using System.Net.Sockets;
using ActorNet.Http.Admin;
using ActorNet.IntegrationTests.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Admission;

/// <summary>What an operator sees of admission: the PROXY client as the peer in /api/connections, every refusal by its reason in /metrics.</summary>
public sealed class AdmissionEndpointsSpec : HttpTestKit
{
    [Fact]
    public async Task The_admin_api_shows_the_proxied_client_and_metrics_count_every_refusal_by_reason()
    {
        await StartAsync("""
            max-connections = 3
            proxy-protocol = v1
            trusted-proxies = [ 127.0.0.1 ]
            deny = [ 203.0.113.0/24 ]
            max-connections-per-ip = 1
            """);
        var open = new List<Socket>();
        try
        {
            // Admitted: two clients behind the proxy.
            open.Add(await ProxiedAsync("192.0.2.10", 5555, "hello"));
            open.Add(await ProxiedAsync("192.0.2.11", 5556, "hello"));
            var connections = await PollAsync(ConnectionsAsync, c => c.Count == 2, c => $"2 connections; {c.Count}");
            Assert.Equal(["192.0.2.10:5555", "192.0.2.11:5556"], connections.Select(c => c.Peer).Order());

            await RefusedAsync(await LoopbackPeers.ConnectFromAsync("127.0.0.2", Port), "PROXY TCP4 192.0.2.12 127.0.0.1 1 2\r\n");  // untrusted-proxy
            await RefusedAsync(await ConnectAsync(), "SSH-2.0-OpenSSH_9.2\r\n");                                                    // proxy-header
            await RefusedAsync(await ConnectAsync(), "PROXY TCP4 203.0.113.9 127.0.0.1 1 2\r\n");                                  // denied
            await RefusedAsync(await ConnectAsync(), "PROXY TCP4 192.0.2.10 127.0.0.1 7 2\r\n");                                   // per-ip
            open.Add(await ProxiedAsync("192.0.2.13", 5557, "third"));
            await PollAsync(ConnectionsAsync, c => c.Count == 3, c => $"3 connections; {c.Count}");
            await RefusedAsync(await ConnectAsync(), "PROXY TCP4 192.0.2.14 127.0.0.1 1 2\r\n");                                   // max-connections

            var scrape = await AwaitSourceMetricAsync("actornet_connections_rejected_total", 1, ("reason", "max-connections"));
            foreach (var reason in new[] { "untrusted-proxy", "proxy-header", "denied", "per-ip" })
                Assert.True(scrape.Value("actornet_connections_rejected_total", ("source", SourceName), ("reason", reason)) == 1,
                    $"{reason}: {string.Join('\n', scrape.WithLabel("source", SourceName).Select(s => $"{s.Name} {string.Join(',', s.Labels)} {s.Value}"))}");
            Assert.Equal(3, scrape.Value("actornet_connections_accepted_total", ("source", SourceName)));
            Assert.Equal(["hello", "hello", "third"], Data.Select(r => r.Payload).Order());
        }
        finally
        {
            foreach (var socket in open) socket.Dispose();
        }
    }

    private async Task<Socket> ProxiedAsync(string client, int port, string line)
    {
        var socket = await ConnectAsync();
        await socket.SendAsync($"PROXY TCP4 {client} 127.0.0.1 {port} {Port}\r\n{line}\n");
        return socket;
    }

    private static async Task RefusedAsync(Socket socket, string sent)
    {
        using (socket)
        {
            await socket.SendAsync(sent);
            await socket.AwaitClosedByServerAsync(Bound);
        }
    }

    private async Task<IReadOnlyList<ConnectionView>> ConnectionsAsync() =>
        (await Http.GetFromJsonAsync("/api/connections", AdminJsonContext.Default.ConnectionsResponse))!.Connections;
}
