using System.Net;
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

    private async Task<HttpStatusCode> StatusOf(HttpMethod method, string path, string host)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }
}
