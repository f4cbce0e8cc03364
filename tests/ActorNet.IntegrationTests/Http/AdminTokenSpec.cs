using ActorNet.Http.Security;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace ActorNet.IntegrationTests.Http;

/// <summary>The check of one request against <c>actornet.http.admin-token</c>, without a server.</summary>
public sealed class AdminTokenSpec
{
    private const string Token = "s3cret-Token";

    [Theory]
    [InlineData("Bearer s3cret-Token")]
    [InlineData("bearer s3cret-Token")]
    [InlineData("Bearer  s3cret-Token ")]
    public void Admits_the_token_as_a_bearer(string authorization) =>
        Assert.True(new AdminToken(Token).Admits(Request(authorization: authorization), allowQueryToken: false));

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer s3cret")]
    [InlineData("Bearer s3cret-Token-and-more")]
    [InlineData("Bearer s3cret-token")]
    [InlineData("Bearer S3CRET-TOKEN")]
    [InlineData("Basic s3cret-Token")]
    [InlineData("s3cret-Token")]
    public void Refuses_a_prefix_an_extension_another_case_and_another_scheme(string authorization) =>
        Assert.False(new AdminToken(Token).Admits(Request(authorization: authorization), allowQueryToken: true));

    [Fact]
    public void Takes_the_query_token_only_where_allowed_and_only_once()
    {
        var token = new AdminToken(Token);

        Assert.True(token.Admits(Request(query: $"?token={Token}"), allowQueryToken: true));
        Assert.False(token.Admits(Request(query: $"?token={Token}"), allowQueryToken: false));
        Assert.False(token.Admits(Request(query: $"?token={Token}&token={Token}"), allowQueryToken: true));
        Assert.False(token.Admits(Request(query: "?token="), allowQueryToken: true));
        Assert.False(token.Admits(Request(), allowQueryToken: true));
    }

    [Fact]
    public void Without_a_configured_token_every_request_passes_and_an_empty_bearer_does_not_pass_a_configured_one()
    {
        Assert.False(new AdminToken("").IsRequired);
        Assert.True(new AdminToken("").Admits(Request(), allowQueryToken: false));
        Assert.True(new AdminToken("").Admits(Request(authorization: "Bearer anything"), allowQueryToken: false));
        Assert.True(new AdminToken(Token).IsRequired);
        Assert.False(new AdminToken(Token).Admits(Request(query: "?token="), allowQueryToken: true));
    }

    [Fact]
    public void Compares_tokens_of_any_length_and_of_non_ascii_text()
    {
        var longToken = new string('k', 4096) + "é€";
        var token = new AdminToken(longToken);

        Assert.True(token.Admits(Request(authorization: "Bearer " + longToken), allowQueryToken: false));
        Assert.False(token.Admits(Request(authorization: "Bearer " + longToken[..^1]), allowQueryToken: false));
    }

    private static HttpRequest Request(string? authorization = null, string query = "")
    {
        var context = new DefaultHttpContext();
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }
}
