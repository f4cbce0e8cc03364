using ActorNet.Http.Admin;
using Microsoft.AspNetCore.Http;

namespace ActorNet.Http.Security;

/// <summary>
/// Answers 401 (with <c>WWW-Authenticate: Bearer</c>) for a request to an endpoint carrying
/// <see cref="AdminTokenRequirement"/> that does not present the admin token. Endpoints without it (/metrics,
/// /health/*) pass untouched.
/// </summary>
internal sealed class AdminTokenMiddleware(RequestDelegate next, AdminToken token)
{
    public Task InvokeAsync(HttpContext context)
    {
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<AdminTokenRequirement>();
        if (requirement is null || token.Admits(context.Request, requirement.AllowQueryToken)) return next(context);

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsJsonAsync(new ErrorResponse("this endpoint requires the admin token (actornet.http.admin-token) as Authorization: Bearer TOKEN"),
            AdminJsonContext.Default.ErrorResponse);
    }
}
