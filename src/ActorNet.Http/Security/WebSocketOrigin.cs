using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Security;

/// <summary>
/// Whether a WebSocket upgrade comes from one of this server's own pages. Browsers apply no same-origin policy to
/// WebSockets (no CORS): any page the operator opens could read <c>ws://127.0.0.1:8080/ws/tail</c>. They do send the
/// page's origin, which a page cannot forge.
/// </summary>
internal static class WebSocketOrigin
{
    /// <summary>
    /// True when the request has no <c>Origin</c> (not a browser: a script, <c>ClientWebSocket</c>, which the admin
    /// token guards) or when it names the origin the request was sent to: the scheme and the <c>Host</c> header's host
    /// and port (default port when absent).
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request)
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
    public static string Own(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
