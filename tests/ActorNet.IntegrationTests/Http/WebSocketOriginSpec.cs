using ActorNet.Http.Security;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary><see cref="WebSocketOrigin"/> over requests built in memory: which <c>Origin</c> headers it admits.</summary>
public sealed class WebSocketOriginSpec
{
    private static readonly WebSocketOrigin Proxied = new(["https://actornet.example.com"]);

    [Theory]
    [InlineData(null)]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("https://actornet.example.com")]
    [InlineData("https://ACTORNET.example.com:443")]
    [InlineData("https://actornet.example.com/")]
    public void Admits_no_origin_the_requests_own_and_a_listed_one(string? origin)
    {
        Assert.True(Proxied.Admits(Request(origin)));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://actornet.example.com")]
    [InlineData("https://actornet.example.com:8443")]
    [InlineData("https://actornet.example.com/path")]
    [InlineData("https://user@actornet.example.com")]
    [InlineData("null")]
    [InlineData("https://actornet.example.com, https://evil.example")]
    public void Refuses_any_other_origin(string origin)
    {
        Assert.False(Proxied.Admits(Request(origin)));
    }

    [Fact]
    public void Settings_an_embedding_program_built_unnormalised_still_match()
    {
        var origins = new WebSocketOrigin(["HTTPS://ActorNet.Example.com:443/", "not an origin"]);

        Assert.True(origins.Admits(Request("https://actornet.example.com")));
        Assert.False(origins.Admits(Request("not an origin")));
    }

    [Fact]
    public void The_refusal_points_to_the_setting_until_it_lists_something()
    {
        var request = Request("https://actornet.example.com");

        Assert.Equal("/ws/tail accepts WebSockets from this server's own pages only (http://127.0.0.1:8080), not from https://actornet.example.com; "
            + "a page served through a reverse proxy needs the proxy's origin in actornet.http.allowed-origins",
            new WebSocketOrigin([]).Refusal(request, "/ws/tail"));
        Assert.Equal("/ws/tail accepts WebSockets only from this server's own pages (http://127.0.0.1:8080) and from the origins in "
            + "actornet.http.allowed-origins, not from https://actornet.example.com",
            new WebSocketOrigin(["https://other.example"]).Refusal(request, "/ws/tail"));
    }

    /// <summary>A request as nginx forwards it with its default <c>Host</c> (<c>$proxy_host</c>).</summary>
    private static HttpRequest Request(string? origin)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:8080");
        if (origin is not null) context.Request.Headers.Origin = origin;
        return context.Request;
    }
}
