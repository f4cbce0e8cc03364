using Microsoft.AspNetCore.Builder;

namespace ActorNet.Http.Security;

public static class AdminTokenEndpointExtensions
{
    /// <summary>
    /// Marks endpoints (one, or a route group) as admin-only; enforced by the middleware of
    /// <see cref="ActorNetHttpEndpoints.UseActorNetAdminToken"/>. Metadata rather than an endpoint filter, because a
    /// filter silently does nothing on endpoints written as a plain <c>RequestDelegate</c> (such as a WebSocket handler).
    /// </summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder, bool allowQueryToken = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AdminTokenRequirement(allowQueryToken));
}
