using ActorNet.Hosting;
using ActorNet.Hosting.Reload;
using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Admin;

/// <summary>
/// <c>POST /api/reload</c> (no body): reads the configuration file again and applies it, as SIGHUP does. A request
/// that comes while a reload runs is refused with 409 rather than queued: the caller learns at once, and the
/// reload under way reads the file as it is now anyway.
/// </summary>
internal static class ReloadEndpoint
{
    public static Func<Task<IResult>> ReloadAsync(ActorNetService service) => async () =>
    {
        var result = await service.ReloadAsync("POST /api/reload").ConfigureAwait(false);
        var status = result.Outcome switch
        {
            ReloadOutcome.Applied => StatusCodes.Status200OK,
            ReloadOutcome.Rejected => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status409Conflict,
        };
        return Results.Json(ReloadResponse.From(result), AdminJsonContext.Default.ReloadResponse, statusCode: status);
    };
}
