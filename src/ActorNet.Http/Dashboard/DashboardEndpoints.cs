using ActorNet.Configuration;
using ActorNet.Http.Dashboard;
using ActorNet.Http.Security;
using ActorNet.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// In ActorNet.Http, beside MapActorNet, so that the extension is found where the other endpoints are composed.
namespace ActorNet.Http;

/// <summary>
/// The dashboard: one static page (HTML, JS and CSS embedded in this assembly; no build step, nothing fetched
/// from elsewhere) that reads the admin API, <c>GET /api/history</c> and the live tail at <c>/ws/tail</c>.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
    ];

    /// <summary>
    /// Maps <c>GET /</c> (the page and its assets, open to all: they hold no data), <c>GET /api/history</c>
    /// (frames/s per source over the last 5 minutes, sampled every second from now on) and <c>/ws/tail</c>, both
    /// behind the admin token. Needs <c>UseWebSockets()</c> and <c>UseActorNetAdminToken</c> in the pipeline, as
    /// <see cref="ActorNetHttpServer"/> has.
    /// </summary>
    /// <param name="settings">
    /// The settings the pipeline's admin-token middleware was given; the dashboard's endpoints only mark themselves
    /// as needing the token.
    /// </param>
    public static IEndpointRouteBuilder MapActorNetDashboard(this IEndpointRouteBuilder app, ActorNetService service, HttpSettings settings)
    {
        foreach (var (path, resource, contentType) in Assets)
        {
            var content = ReadAsset(resource);
            app.MapGet(path, () => Results.Bytes(content, contentType)).ExcludeFromDescription();
        }

        var history = new RateHistory(service.Status);
        history.Start();
        var lifetime = app.ServiceProvider.GetService<IHostApplicationLifetime>();
        lifetime?.ApplicationStopping.Register(history.Dispose);
        app.MapGet("/api/history", () => Results.Json(HistoryView.Of(history), DashboardJson.Options)).RequireAdminToken();

        // Browsers cannot set headers on a WebSocket: the page passes the token as ?token=.
        app.Map("/ws/tail", context => LiveTailEndpoint.HandleAsync(context, service)).RequireAdminToken(allowQueryToken: true);
        return app;
    }

    private static byte[] ReadAsset(string name)
    {
        var resource = $"ActorNet.Http.Dashboard.{name}";
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the embedded resource {resource} is missing from ActorNet.Http");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// <c>{"intervalMs":1000,"capacity":300,"sources":[{"name":"s","samples":[[unixMs,framesPerSecond],...]}]}</c>,
    /// oldest sample first: pairs rather than objects, since a page fetches 300 per source.
    /// </summary>
    private sealed record HistoryView(double IntervalMs, int Capacity, IReadOnlyList<SourceHistoryView> Sources)
    {
        public static HistoryView Of(RateHistory history) => new(
            history.Interval.TotalMilliseconds,
            history.Capacity,
            history.Snapshot()
                .Select(s => new SourceHistoryView(s.Source, s.Points
                    .Select(p => new[] { new DateTimeOffset(p.At).ToUnixTimeMilliseconds(), Math.Round(p.FramesPerSecond, 2) })
                    .ToArray()))
                .ToArray());
    }

    private sealed record SourceHistoryView(string Name, double[][] Samples);
}
