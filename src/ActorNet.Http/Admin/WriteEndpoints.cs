using ActorNet.Configuration;
using ActorNet.Connections;
using ActorNet.Hosting;
using ActorNet.Http.Security;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorNet.Http.Admin;

/// <summary>
/// <c>POST /api/connections/{id}/send</c> and <c>POST /api/sources/{name}/broadcast</c>: the request body's bytes,
/// whatever its content type, written to one peer or to every peer of a source as one frame in the source's framing
/// (<see cref="ActorNetService.SendAsync"/>, <see cref="ActorNetService.BroadcastAsync"/>).
/// Answers: 202 queued; 404 no such open connection or source; 400 an empty body, or a payload the framing cannot
/// carry (checked here, so that nothing is queued); 413 a body longer than the source's max-inflight-bytes (what one
/// of its connections may hold at all), refused before it is read in full; 503 the peer already has too much waiting
/// to be written, or ActorNet did not answer in time; 403 a request from a page of another origin.
/// </summary>
/// <remarks>
/// Unlike the admin API's GET and DELETE, a POST whose body is text or a form is one a page of any site may send
/// (a CORS "simple request": no preflight, only its answer is hidden from the page). Without an admin token, any page
/// the operator opens could then command devices through <c>127.0.0.1</c>. Browsers name the page's origin in
/// <c>Origin</c> on every POST, so a request whose origin is neither this server's own nor one in
/// <c>actornet.http.allowed-origins</c> is refused, as <c>/ws/tail</c> refuses such upgrades; clients that are not
/// browsers (curl, <c>actornet send</c>) send no <c>Origin</c> and pass, the admin token guarding them.
/// </remarks>
public static class WriteEndpoints
{
    /// <summary>Maps both on <paramref name="api"/>, the admin API's group, whose admin-token requirement they share.</summary>
    public static RouteGroupBuilder MapActorNetWriteEndpoints(this RouteGroupBuilder api, ActorNetService service)
    {
        var logger = ((IEndpointRouteBuilder)api).ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger(typeof(WriteEndpoints).FullName!)
            ?? NullLogger.Instance;

        var origin = new WebSocketOrigin(service.Settings.Http.AllowedOrigins);

        api.MapPost("/connections/{id:long}/send", (long id, HttpContext context) =>
            origin.Admits(context.Request) ? SendAsync(service, logger, id, context) : Task.FromResult(Refused(context)));
        api.MapPost("/sources/{name}/broadcast", (string name, HttpContext context) =>
            origin.Admits(context.Request) ? BroadcastAsync(service, logger, name, context) : Task.FromResult(Refused(context)));
        return api;
    }

    private static async Task<IResult> SendAsync(ActorNetService service, ILogger logger, long id, HttpContext context)
    {
        if (service.Status.Connection(id) is not { } connection || SourceNamed(service, connection.Source) is not { } source)
            return Error(StatusCodes.Status404NotFound, $"no open connection has id {id}");
        var (payload, refusal) = await ReadPayloadAsync(context, source);
        if (refusal is not null) return refusal;

        bool sent;
        try
        {
            sent = await service.SendAsync(id, payload.Bytes);
        }
        catch (InvalidOperationException e)
        {
            // Framing was checked above: what is left is a peer that does not read what it is sent.
            return Error(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
        catch (AskTimeoutException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, $"connection {id} did not take the frame in time; try again");
        }
        // It closed between the look-up and the write.
        if (!sent) return Error(StatusCodes.Status404NotFound, $"no open connection has id {id}");

        WriteLog.Sent(logger, id, source.Name, payload.FramedLength, Client(context));
        return Results.Json(new SentResponse(id, payload.FramedLength), WriteJsonContext.Default.SentResponse,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> BroadcastAsync(ActorNetService service, ILogger logger, string name, HttpContext context)
    {
        if (SourceNamed(service, name) is not { } source) return Error(StatusCodes.Status404NotFound, $"no source is named \"{name}\"");
        var (payload, refusal) = await ReadPayloadAsync(context, source);
        if (refusal is not null) return refusal;

        int connections;
        try
        {
            connections = await service.BroadcastAsync(name, payload.Bytes);
        }
        catch (ArgumentException)
        {
            // The configuration changed between the look-up and the write.
            return Error(StatusCodes.Status404NotFound, $"no source is named \"{name}\"");
        }
        catch (AskTimeoutException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, $"source {name} did not take the frame in time; try again");
        }

        WriteLog.Broadcast(logger, name, connections, payload.FramedLength, Client(context));
        return Results.Json(new BroadcastResponse(name, connections, payload.FramedLength), WriteJsonContext.Default.BroadcastResponse,
            statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The body as a payload <paramref name="source"/>'s framing can carry, or the answer that refuses it.</summary>
    private static async Task<(Payload Payload, IResult? Refusal)> ReadPayloadAsync(HttpContext context, SourceSettings source)
    {
        var limit = (int)Math.Min(source.MaxInflightBytes, Array.MaxLength - 1);
        var body = await RequestPayload.ReadAsync(context.Request, limit, context.RequestAborted);
        if (body is null)
        {
            return (default, Error(StatusCodes.Status413PayloadTooLarge,
                $"the body is longer than {limit} bytes, the max-inflight-bytes of source {source.Name}"));
        }
        if (body.Length == 0)
            return (default, Error(StatusCodes.Status400BadRequest, "the body is empty: its bytes are the payload to send"));
        if (!OutgoingPayload.TryMeasure(source.Framing, body, out var framed, out var error))
            return (default, Error(StatusCodes.Status400BadRequest, $"source {source.Name} ({source.Framing.Type} framing) cannot carry this payload: {error}"));
        return (new Payload(body, framed), null);
    }

    private static IResult Refused(HttpContext context) =>
        Error(StatusCodes.Status403Forbidden,
            $"{context.Request.Path} takes writes from this server's own pages, the origins in actornet.http.allowed-origins and clients that are not browsers, not from a page of {context.Request.Headers.Origin}");

    private static SourceSettings? SourceNamed(ActorNetService service, string name) =>
        service.Settings.Sources.FirstOrDefault(s => s.Name == name);

    private static IResult Error(int status, string message) =>
        Results.Json(new ErrorResponse(message), AdminJsonContext.Default.ErrorResponse, statusCode: status);

    private static string Client(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? $"{address}:{context.Connection.RemotePort}" : "unknown";

    private readonly record struct Payload(byte[] Bytes, int FramedLength);
}
