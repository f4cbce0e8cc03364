using ActorNet.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorNet.Http.Health;

/// <summary>
/// <c>GET /health/live</c>: 200 while the process answers HTTP (no checks: restarting ActorNet would not fix a
/// database). <c>GET /health/ready</c>: 200 when every listener is bound, no feed has stopped for good and every
/// sink can write, else 503 with
/// JSON naming what is not. Both open without a token, for orchestrators and load balancers.
/// </summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IHealthChecksBuilder AddActorNetHealthChecks(this IServiceCollection services, ActorNetService service) =>
        services.AddHealthChecks()
            .AddCheck("listeners", SourcesHealthCheck.Listeners(service), tags: [ReadyTag])
            .AddCheck("files", SourcesHealthCheck.Files(service), tags: [ReadyTag])
            .AddCheck("feeds", SourcesHealthCheck.Feeds(service), tags: [ReadyTag])
            .AddCheck("sinks", new SinksHealthCheck(service), tags: [ReadyTag]);

    public static IEndpointRouteBuilder MapActorNetHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        return app;
    }
}
