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
    [InlineData("https://actornet.example.com")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("HTTP://127.0.0.1:8080")]
    [InlineData("https://ACTORNET.example.com:443")]
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

    // The request's own origin and the listed one, each with something a serialized origin (scheme://host[:port])
    // does not have: whatever host Uri would find in it, it is nobody's origin.
    [Theory]
    [InlineData("http://evil@127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:8080@evil.example")]
    [InlineData("http://127.0.0.1:8080/x")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://127.0.0.1:8080?x=1")]
    [InlineData("http://127.0.0.1:8080#x")]
    [InlineData(@"http://127.0.0.1:8080\x")]
    [InlineData("http://127.0.0.1%3A8080")]
    [InlineData("http://127.0.0.1:8080 http://127.0.0.1:8080")]
    [InlineData("http:127.0.0.1:8080")]
    [InlineData("https://user:pass@actornet.example.com")]
    [InlineData("https://actornet.example.com/")]
    [InlineData("https://actornet.example.com/x")]
    [InlineData("https://actornet.example.com?x")]
    [InlineData("https://actornet.example.com#x")]
    [InlineData("")]
    [InlineData("null")]
    public void Refuses_an_origin_with_user_info_a_path_a_query_or_a_fragment_even_on_its_own_or_a_listed_host(string origin)
    {
        Assert.Null(WebSocketOrigin.ParseOrigin(origin));
        Assert.False(Proxied.Admits(Request(origin)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("HTTPS://ActorNet.Example.COM:443", "https://actornet.example.com")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080")]
    [InlineData("http://localhost:80", "http://localhost")]
    public void Reads_a_serialized_origin_normalised_as_the_settings_are(string origin, string normal) =>
        Assert.Equal(normal, WebSocketOrigin.ParseOrigin(origin));

    [Fact]
    public void The_refusal_of_something_that_is_not_an_origin_says_so()
    {
        Assert.EndsWith("not from http://evil@127.0.0.1:8080 (not an origin: scheme://host[:port] and nothing else)",
            Proxied.Refusal(Request("http://evil@127.0.0.1:8080"), "/ws/tail"));
        Assert.EndsWith("not from https://evil.example", Proxied.Refusal(Request("https://evil.example"), "/ws/tail"));
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
