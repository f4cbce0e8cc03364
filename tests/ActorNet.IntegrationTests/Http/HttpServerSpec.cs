using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Http;
using ActorNet.Http.Dashboard;
using ActorNet.IntegrationTests.Support;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>Where the operations server listens, and what it says when it cannot.</summary>
public sealed class HttpServerSpec : HttpTestKit
{
    [Fact]
    public async Task Port_0_listens_on_a_port_the_kernel_chose_and_the_address_names_it()
    {
        await StartAsync();

        var address = Http.BaseAddress!;
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        using var live = await Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task A_port_that_is_taken_fails_the_start_naming_the_setting_and_the_address()
    {
        await StartAsync();
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var error = await Assert.ThrowsAsync<InvalidConfigurationException>(() =>
            ActorNetHttpServer.StartAsync(Service, new HttpSettings(true, "127.0.0.1", port)));

        Assert.Contains($"actornet.http: cannot listen on 127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task A_server_that_fails_to_bind_leaves_no_rate_sampler_running_and_neither_does_one_disposed()
    {
        StartActorNet();
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();

        await Assert.ThrowsAsync<InvalidConfigurationException>(() =>
            ActorNetHttpServer.StartAsync(Service, new HttpSettings(true, "127.0.0.1", ((IPEndPoint)taken.LocalEndPoint!).Port)));

        // The sampler's timer holds the status, and with it every connection's actor.
        Assert.Equal(0, RateHistory.RunningFor(Service.Status));
        await using (await ActorNetHttpServer.StartAsync(Service, new HttpSettings(true, "127.0.0.1", 0)))
            Assert.Equal(1, RateHistory.RunningFor(Service.Status));
        Assert.Equal(0, RateHistory.RunningFor(Service.Status));
    }
}
