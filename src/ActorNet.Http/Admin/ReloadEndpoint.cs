using ActorNet.Hosting;
using ActorNet.Hosting.Reload;
using ActorNet.Http.Security;
using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Admin;

/// <summary>
/// <c>POST /api/reload</c> (no body): reads the configuration file again and applies it, as SIGHUP does. A request
/// that comes while a reload runs is refused with 409 rather than queued: the caller learns at once, and the
/// reload under way reads the file as it is now anyway. As for the write endpoints (see <see cref="WriteEndpoints"/>),
/// a POST from a page of another origin is refused (403): without an admin token any page could otherwise make
/// ActorNet drain and restart what an edited file changes.
/// </summary>
internal static class ReloadEndpoint
{
    public static Func<HttpContext, Task<IResult>> ReloadAsync(ActorNetService service)
    {
        var origin = new WebSocketOrigin(service.Settings.Http.AllowedOrigins);
        return async context =>
        {
            if (!origin.Admits(context.Request))
            {
                return Answer(StatusCodes.Status403Forbidden, ReloadResult.Refused(ReloadOutcome.Rejected,
                    $"{context.Request.Path} takes requests from this server's own pages, the origins in actornet.http.allowed-origins " +
                    $"and clients that are not browsers, not from a page of {context.Request.Headers.Origin}"));
            }
            var result = await service.ReloadAsync("POST /api/reload").ConfigureAwait(false);
            return Answer(result.Outcome switch
            {
                ReloadOutcome.Applied => StatusCodes.Status200OK,
                ReloadOutcome.Rejected => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status409Conflict,
            }, result);
        };
    }

    private static IResult Answer(int status, ReloadResult result) =>
        Results.Json(ReloadResponse.From(result), AdminJsonContext.Default.ReloadResponse, statusCode: status);
}
