using ActorNet.Configuration;
using ActorNet.Http.Admin;
using ActorNet.Http.Dashboard;
using ActorNet.Http.Health;
using ActorNet.Http.Security;
using ActorNet.Metrics;
using ActorNet.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorNet.Http;

/// <summary>
/// The one place where every operations endpoint is composed: /metrics, /health/*, /api/* and the dashboard.
/// <see cref="ActorNetHttpServer"/> uses it; an application that serves ActorNet from its own ASP.NET Core app
/// calls the same three methods.
/// </summary>
public static class ActorNetHttpEndpoints
{
    /// <summary>
    /// The services the endpoints need: the health checks over <paramref name="service"/>'s status, and the
    /// dashboard's rate sampler, a singleton so that disposing the container stops its timer (which holds the status).
    /// </summary>
    public static IServiceCollection AddActorNetEndpoints(this IServiceCollection services, ActorNetService service)
    {
        services.AddActorNetHealthChecks(service);
        services.AddSingleton(_ => new RateHistory(service.Status));
        return services;
    }

    /// <summary>
    /// Middleware that must run after routing and before the endpoints: it refuses requests to endpoints marked
    /// with <see cref="AdminTokenEndpointExtensions.RequireAdminToken{TBuilder}"/> unless they carry the admin token.
    /// </summary>
    public static IApplicationBuilder UseActorNetAdminToken(this IApplicationBuilder app, HttpSettings settings) =>
        app.UseMiddleware<AdminTokenMiddleware>(new AdminToken(settings.AdminToken));

    /// <summary>Maps every operations endpoint. Requires <see cref="AddActorNetEndpoints"/> and <see cref="UseActorNetAdminToken"/>.</summary>
    public static IEndpointRouteBuilder MapActorNet(this IEndpointRouteBuilder app, ActorNetService service, HttpSettings settings,
        PrometheusTextExporter exporter)
    {
        app.MapActorNetMetrics(exporter, service.Cluster?.SelfNode);
        app.MapActorNetHealth();
        app.MapActorNetAdminApi(service);

        // The page, /api/history and the live tail's /ws/tail (Dashboard/). Its data endpoints mark themselves with
        // RequireAdminToken, the WebSocket with allowQueryToken, since a browser cannot set headers on a WebSocket.
        app.MapActorNetDashboard(service, settings);
        return app;
    }
}
