using ActorNet.Configuration;
using ActorNet.Http.Dashboard;
using ActorNet.Http.Security;
using ActorNet.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

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
    /// behind the admin token. Needs <see cref="ActorNetHttpEndpoints.AddActorNetEndpoints"/>, and
    /// <c>UseWebSockets()</c> and <c>UseActorNetAdminToken</c> in the pipeline, as <see cref="ActorNetHttpServer"/> has.
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

        // The container created it, and disposes it (and its timer) with the app, whether or not the app ever started.
        var history = app.ServiceProvider.GetRequiredService<RateHistory>();
        history.Start();
        app.MapGet("/api/history", () => Results.Json(HistoryView.Of(history), DashboardJson.Options)).RequireAdminToken();

        // Browsers cannot set headers on a WebSocket: the page passes the token as ?token=.
        var tail = new LiveTailEndpoint(service, app.ServiceProvider.GetService<LiveTailLimits>() ?? LiveTailLimits.Default,
            new WebSocketOrigin(settings.AllowedOrigins));
        app.Map("/ws/tail", tail.HandleAsync).RequireAdminToken(allowQueryToken: true);
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
