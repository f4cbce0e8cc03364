using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorNet.Configuration;
using ActorNet.Http;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>
/// DNS rebinding: a page of evil.example whose name is re-resolved to 127.0.0.1 reaches the loopback server, but its
/// requests name evil.example in Host. A server bound to loopback answers only the loopback names.
/// </summary>
public sealed class HostFilteringSpec : HttpTestKit
{
    [Fact]
    public async Task A_request_naming_another_host_is_refused_400_and_a_refused_delete_closes_nothing()
    {
        await StartAsync();
        using var peer = await ConnectAsync();
        await PollAsync(() => Task.FromResult(Service.Status.ConnectionCount), n => n == 1, n => $"1 connection; {n}");
        var id = Service.Status.Connections[0].Id;

        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Get, "/api/connections", "evil.example"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Get, "/api/connections", $"evil.example:{Address.Port}"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Delete, $"/api/connections/{id}", $"evil.example:{Address.Port}"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusOf(HttpMethod.Get, "/metrics", "127.0.0.1.evil.example"));

        Assert.False(peer.IsClosedByServer());
        Assert.Equal(1, Service.Status.ConnectionCount);
        foreach (var host in new[] { $"127.0.0.1:{Address.Port}", $"localhost:{Address.Port}", $"[::1]:{Address.Port}", "localhost", "LOCALHOST:1" })
            Assert.True(await StatusOf(HttpMethod.Get, "/api/connections", host) == HttpStatusCode.OK, host);
    }

    // Every endpoint, /metrics and /health/* included: a Host the filter cannot check is no loopback name. No
    // client that has a reason to call a loopback server omits it (browsers, curl, Prometheus and kubelet send one).
    [Theory]
    [InlineData("/")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/api/connections")]
    [InlineData("/ws/tail")]
    [InlineData("/no-such-page")]
    public async Task A_request_without_a_host_or_with_an_empty_one_is_refused_400(string path)
    {
        await StartAsync();

        Assert.Equal("HTTP/1.1 400", await StatusLineOf($"GET {path} HTTP/1.0\r\n\r\n"));
        Assert.Equal("HTTP/1.1 400", await StatusLineOf($"GET {path} HTTP/1.0\r\nHost:\r\n\r\n"));
        Assert.Equal("HTTP/1.1 400", await StatusLineOf($"GET {path} HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n"));
        Assert.Equal("HTTP/1.1 400", await StatusLineOf($"GET {path} HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"));
    }

    [Fact]
    public async Task The_same_raw_requests_naming_a_loopback_host_are_served_and_a_hostless_delete_closes_nothing()
    {
        await StartAsync();
        using var peer = await ConnectAsync();
        await PollAsync(() => Task.FromResult(Service.Status.ConnectionCount), n => n == 1, n => $"1 connection; {n}");
        var id = Service.Status.Connections[0].Id;

        Assert.Equal("HTTP/1.1 400", await StatusLineOf($"DELETE /api/connections/{id} HTTP/1.0\r\n\r\n"));
        Assert.Equal("HTTP/1.1 400", await StatusLineOf($"DELETE /api/connections/{id} HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n"));
        Assert.False(peer.IsClosedByServer());
        Assert.Equal(1, Service.Status.ConnectionCount);

        Assert.Equal("HTTP/1.1 200", await StatusLineOf("GET /health/live HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"));
        Assert.Equal("HTTP/1.1 200", await StatusLineOf($"GET /metrics HTTP/1.1\r\nHost: localhost:{Address.Port}\r\nConnection: close\r\n\r\n"));
    }

    [Theory]
    [InlineData("127.0.0.1", "localhost,127.0.0.1,[::1]")]
    [InlineData("localhost", "localhost,127.0.0.1,[::1]")]
    [InlineData("", "localhost,127.0.0.1,[::1]")]
    [InlineData("::1", "localhost,127.0.0.1,[::1]")]
    [InlineData("127.0.0.2", "localhost,127.0.0.1,[::1],127.0.0.2")]
    public void A_server_bound_to_loopback_answers_the_loopback_names_and_its_own_address(string bound, string allowed) =>
        Assert.Equal(allowed.Split(','), ActorNetHttpServer.AllowedHosts(new HttpSettings(true, bound, 0)));

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public void A_server_bound_elsewhere_answers_any_host(string bound) =>
        Assert.Null(ActorNetHttpServer.AllowedHosts(new HttpSettings(true, bound, 0)));

    /// <summary>
    /// Writes <paramref name="request"/> as it stands on a socket of its own (HttpClient always sends a Host) and
    /// returns the answer's protocol and status code, e.g. <c>HTTP/1.1 400</c>.
    /// </summary>
    private async Task<string> StatusLineOf(string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(IPAddress.Loopback, Address.Port, timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, timeout.Token);
        var answer = new StringBuilder();
        var buffer = new byte[1024];
        while (!answer.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0) throw new InvalidOperationException($"the server closed the connection after {answer.Length} bytes: {answer}");
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var line = answer.ToString()[..answer.ToString().IndexOf("\r\n", StringComparison.Ordinal)];
        return line.Length >= 12 ? line[..12] : line;
    }

    private async Task<HttpStatusCode> StatusOf(HttpMethod method, string path, string host)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }
}
