namespace ActorNet.Configuration;

/// <summary>The operations endpoints: /metrics, /health, the admin API and the dashboard.</summary>
/// <param name="Enabled">Whether ActorNet serves them at all.</param>
/// <param name="Host">The address to bind; loopback unless an operator decides otherwise.</param>
/// <param name="Port">The TCP port (0 picks a free one, for tests).</param>
/// <param name="AdminToken">When not empty, /api requires <c>Authorization: Bearer &lt;token&gt;</c>.</param>
public sealed record HttpSettings(bool Enabled, string Host = "127.0.0.1", int Port = 8080, string AdminToken = "")
{
    public bool RequiresToken => AdminToken.Length > 0;

    /// <summary>
    /// Origins whose pages may open <c>/ws/tail</c> besides the server's own, as <see cref="NormaliseOrigin"/> writes
    /// them (such as <c>https://actornet.example.com</c>, the public origin of a reverse proxy); none by default.
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// <paramref name="text"/> as a browser writes an origin in its <c>Origin</c> header (<c>scheme://host[:port]</c>:
    /// lower case, punycode host, no default port), or null when it is not an http or https origin: another
    /// scheme, user info, or anything after the host and port but a single <c>/</c>.
    /// </summary>
    public static string? NormaliseOrigin(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
            return null;
        // Uri reads "https://h/." or "https://h/a/.." as the root and keeps no trace of it: the text itself must
        // end at the port, or at one "/" (the URL standard's empty path, which browsers add to an address).
        var authority = text.IndexOf("://", StringComparison.Ordinal);
        if (authority < 0) return null;
        var rest = text.IndexOfAny(['/', '?', '#'], authority + 3);
        if (rest >= 0 && text.AsSpan(rest).TrimEnd() is not "/") return null;
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        return $"{uri.Scheme}://{host.ToLowerInvariant()}{(uri.IsDefaultPort ? "" : $":{uri.Port}")}";
    }

    // A record compares a list by reference: two settings read from the same text would differ.
    public bool Equals(HttpSettings? other) =>
        other is not null && Enabled == other.Enabled && Host == other.Host && Port == other.Port && AdminToken == other.AdminToken
        && AllowedOrigins.SequenceEqual(other.AllowedOrigins);

    public override int GetHashCode() => HashCode.Combine(Enabled, Host, Port, AdminToken, AllowedOrigins.Count);
}
