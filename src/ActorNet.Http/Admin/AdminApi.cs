using ActorNet.Http.Security;
using ActorNet.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorNet.Http.Admin;

/// <summary>
/// <c>/api/*</c>: the sources, sinks and open connections as JSON, and closing one connection. Answers come from
/// <see cref="ActorNetService.Status"/> snapshots, never from asking an actor, so a busy ActorNet still answers.
/// </summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapActorNetAdminApi(this IEndpointRouteBuilder app, ActorNetService service)
    {
        var api = app.MapGroup("/api").RequireAdminToken();

        api.MapGet("/sources", () =>
            TypedResults.Json(new SourcesResponse(service.Status.Sources.Select(SourceView.From).ToArray(), BufferedView.From(service.Budget)), AdminJsonContext.Default.SourcesResponse));

        api.MapGet("/sinks", () =>
            TypedResults.Json(new SinksResponse(service.Status.Sinks.Select(SinkView.From).ToArray()), AdminJsonContext.Default.SinksResponse));

        api.MapGet("/connections", async () =>
            TypedResults.Json(await ClusterAdmin.ConnectionsAsync(service), AdminJsonContext.Default.ConnectionsResponse));

        api.MapDelete("/connections/{id:long}", async (long id) =>
            await ClusterAdmin.CloseAsync(service, id, "closed through the admin API")
                ? Results.Json(new ClosingResponse(id, "closing"), AdminJsonContext.Default.ClosingResponse, statusCode: StatusCodes.Status202Accepted)
                : Results.Json(new ErrorResponse($"no open connection has id {id}"), AdminJsonContext.Default.ErrorResponse,
                    statusCode: StatusCodes.Status404NotFound));

        api.MapActorNetWriteEndpoints(service);
        api.MapPost("/reload", ReloadEndpoint.ReloadAsync(service));
        api.MapCluster(service);

        return api;
    }
}
