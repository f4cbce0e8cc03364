using ActorNet.Configuration;
using ActorNet.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorNet.Http.Dashboard;

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
    /// Maps <c>GET /</c> (the page and its assets), <c>GET /api/history</c> (frames/s per source over the last
    /// 5 minutes, sampled every second from now on) and <c>/ws/tail</c>. When <paramref name="app"/> is an
    /// application builder this also adds the WebSocket middleware; otherwise the caller must
    /// (<c>UseWebSockets()</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapActorNetDashboard(this IEndpointRouteBuilder app, ActorNetService service, HttpSettings settings)
    {
        if (app is IApplicationBuilder builder) builder.UseWebSockets();

        foreach (var (path, resource, contentType) in Assets)
        {
            var content = ReadAsset(resource);
            app.MapGet(path, () => Results.Bytes(content, contentType)).ExcludeFromDescription();
        }

        var history = new RateHistory(service.Status);
        history.Start();
        var lifetime = app.ServiceProvider.GetService<IHostApplicationLifetime>();
        lifetime?.ApplicationStopping.Register(history.Dispose);
        app.MapGet("/api/history", (HttpContext context) => DashboardAccess.IsAllowed(context, settings, allowQueryToken: false)
            ? Results.Json(HistoryView.Of(history), DashboardJson.Options)
            : Results.Unauthorized());

        app.Map("/ws/tail", context => LiveTailEndpoint.HandleAsync(context, service, settings));
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
