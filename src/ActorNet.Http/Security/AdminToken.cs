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

    // Only the token's SHA-256 is kept: see Matches.
    private readonly byte[] _expectedHash;

    public AdminToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        IsRequired = token.Length > 0;
        _expectedHash = Hash(token);
    }

    public bool IsRequired { get; }

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

    // The time a wrong guess takes must tell neither how many of its leading bytes were right nor how long the token
    // is: FixedTimeEquals returns at once on a length mismatch, so it compares the two hashes, which are always 32
    // bytes, rather than the tokens themselves.
    private bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _expectedHash);

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
