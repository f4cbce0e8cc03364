using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Security;

/// <summary>
/// The configured <c>actornet.http.admin-token</c> and the check of a request against it. An empty token means the
/// operator chose none: every request passes (the endpoints are bound to loopback by default).
/// </summary>
public sealed class AdminToken
{
    private const string BearerPrefix = "Bearer ";

    private readonly byte[] _expected;

    public AdminToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        _expected = Encoding.UTF8.GetBytes(token);
    }

    public bool IsRequired => _expected.Length > 0;

    /// <summary>
    /// True when no token is required, or the request carries it as <c>Authorization: Bearer &lt;token&gt;</c>, or
    /// (when <paramref name="allowQueryToken"/>) as <c>?token=&lt;token&gt;</c>.
    /// </summary>
    public bool Admits(HttpRequest request, bool allowQueryToken)
    {
        if (!IsRequired) return true;
        foreach (var header in request.Headers.Authorization)
        {
            if (header is not null && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && Matches(header[BearerPrefix.Length..].Trim()))
                return true;
        }
        return allowQueryToken && request.Query.TryGetValue("token", out var query) && query.Count == 1 && Matches(query[0]);
    }

    // Fixed-time comparison: the time a wrong guess takes must not tell how many of its leading bytes were right.
    private bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
}
