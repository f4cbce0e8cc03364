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
    /// token guards), when it names the request's own origin (<see cref="IsSameOrigin"/>), or when it names one of
    /// the allowed origins.
    /// </summary>
    public bool Admits(HttpRequest request)
    {
        if (IsSameOrigin(request)) return true;
        var origins = request.Headers.Origin;
        // Normalised as the settings were, so that case and a written default port do not matter.
        return origins.Count == 1 && origins[0] is { } origin && HttpSettings.NormaliseOrigin(origin) is { } normal && _allowed.Contains(normal);
    }

    /// <summary>Why <see cref="Admits"/> refused the request; it does not name the allowed origins, which a refused page has no need to learn.</summary>
    public string Refusal(HttpRequest request, string path) => _allowed.Count == 0
        ? $"{path} accepts WebSockets from this server's own pages only ({Own(request)}), not from {request.Headers.Origin}; "
          + "a page served through a reverse proxy needs the proxy's origin in actornet.http.allowed-origins"
        : $"{path} accepts WebSockets only from this server's own pages ({Own(request)}) and from the origins in actornet.http.allowed-origins, "
          + $"not from {request.Headers.Origin}";

    /// <summary>
    /// True when the request has no <c>Origin</c> or when it names the origin the request was sent to: the scheme
    /// and the <c>Host</c> header's host and port (default port when absent).
    /// </summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0) return true;
        // "null" (a sandboxed frame, a file: page) and anything unparsable are nobody's own origin.
        if (origins.Count > 1 || !Uri.TryCreate(origins[0], UriKind.Absolute, out var origin)) return false;
        if (!request.Host.HasValue || !Uri.TryCreate($"{request.Scheme}://{request.Host.Value}", UriKind.Absolute, out var own)) return false;
        return string.Equals(origin.Scheme, own.Scheme, StringComparison.OrdinalIgnoreCase)
               && string.Equals(origin.IdnHost, own.IdnHost, StringComparison.OrdinalIgnoreCase)
               && origin.Port == own.Port;
    }

    /// <summary>The request's own origin as a browser would write it, for an error message.</summary>
    private static string Own(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
