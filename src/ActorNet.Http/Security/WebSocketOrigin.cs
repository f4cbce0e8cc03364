using System.Buffers;
using ActorNet.Configuration;
using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Security;

/// <summary>
/// Whether a WebSocket upgrade comes from one of this server's own pages, or from a page of an origin the operator
/// listed in <c>actornet.http.allowed-origins</c> (a reverse proxy's public origin). Browsers apply no same-origin
/// policy to WebSockets (no CORS): any page the operator opens could read <c>ws://127.0.0.1:8080/ws/tail</c>. They do
/// send the page's origin, which a page cannot forge.
/// </summary>
internal sealed class WebSocketOrigin
{
    // What may follow "scheme://" in a serialized origin (RFC 6454 §6.2; the URL standard's ASCII serialization):
    // a punycode name, an IPv4 address or a bracketed IPv6 one, and ":port". Uri reads "http://evil@host" as user
    // info on host and "http://host/x?y#z" as host with a path, query and fragment; "host%2F" holds an escape and
    // "a b" could be an origin list. None of them is an origin a browser sends, so none is taken apart to find a
    // host that happens to match.
    private static readonly SearchValues<char> AuthorityChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:[]");

    private readonly HashSet<string> _allowed;

    /// <param name="allowed">
    /// Origins such as <c>https://actornet.example.com</c>: settings read from a file hold them normalised, those an
    /// embedding program built need not. One that is not an origin matches nothing.
    /// </param>
    public WebSocketOrigin(IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _allowed = new HashSet<string>(allowed.Select(o => HttpSettings.NormaliseOrigin(o) ?? o), StringComparer.Ordinal);
    }

    /// <summary>
    /// True when the request has no <c>Origin</c> (not a browser: a script, <c>ClientWebSocket</c>, which the admin
    /// token guards), or when its one <c>Origin</c> is a serialized origin (<see cref="ParseOrigin"/>) that names the
    /// request's own origin (the scheme, and the <c>Host</c> header's host and port) or one of the allowed origins.
    /// Compared normalised, as the settings were, so that case and a written default port do not matter.
    /// </summary>
    public bool Admits(HttpRequest request)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0) return true;
        if (origins.Count > 1 || origins[0] is not { } header || ParseOrigin(header) is not { } origin) return false;
        return origin == OwnOrigin(request) || _allowed.Contains(origin);
    }

    /// <summary>Why <see cref="Admits"/> refused the request; it does not name the allowed origins, which a refused page has no need to learn.</summary>
    public string Refusal(HttpRequest request, string path)
    {
        var origin = request.Headers.Origin;
        var notAnOrigin = origin.Count == 1 && origin[0] is { } header && ParseOrigin(header) is null
            ? " (not an origin: scheme://host[:port] and nothing else)"
            : "";
        return _allowed.Count == 0
            ? $"{path} accepts WebSockets from this server's own pages only ({Own(request)}), not from {origin}{notAnOrigin}; "
              + "a page served through a reverse proxy needs the proxy's origin in actornet.http.allowed-origins"
            : $"{path} accepts WebSockets only from this server's own pages ({Own(request)}) and from the origins in actornet.http.allowed-origins, "
              + $"not from {origin}{notAnOrigin}";
    }

    /// <summary>
    /// <paramref name="header"/>, an <c>Origin</c> value, normalised as <see cref="HttpSettings.NormaliseOrigin"/>
    /// writes the allowed origins; null when it is not a serialized http or https origin, <c>scheme://host[:port]</c>
    /// and nothing else: <c>null</c> (a sandboxed frame, a file: page), user info, a path (even a lone <c>/</c>,
    /// which no browser sends), a query, a fragment, a percent escape or a list of origins.
    /// </summary>
    internal static string? ParseOrigin(string header)
    {
        var separator = header.IndexOf("://", StringComparison.Ordinal);
        if (separator < 0) return null;
        var scheme = header.AsSpan(0, separator);
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase)) return null;
        var authority = header.AsSpan(separator + 3);
        if (authority.IsEmpty || authority.ContainsAnyExcept(AuthorityChars)) return null;
        return HttpSettings.NormaliseOrigin(header);
    }

    /// <summary>The origin the request was sent to, normalised; null without a usable <c>Host</c>.</summary>
    private static string? OwnOrigin(HttpRequest request) =>
        request.Host.HasValue ? HttpSettings.NormaliseOrigin($"{request.Scheme}://{request.Host.Value}") : null;

    /// <summary>The request's own origin as a browser would write it, for an error message.</summary>
    private static string Own(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
