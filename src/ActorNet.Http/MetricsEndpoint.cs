using ActorNet.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorNet.Http;

/// <summary><c>GET /metrics</c>: the <c>ActorNet</c> meter in the Prometheus text format, open to scrapers without a token.</summary>
public static class MetricsEndpoint
{
    /// <param name="node">In a cluster, this node's <c>host:port</c>, added as a <c>node</c> label to every series; null on a single node.</param>
    public static IEndpointConventionBuilder MapActorNetMetrics(this IEndpointRouteBuilder app, PrometheusTextExporter exporter, string? node = null) =>
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            // The exporter writes synchronously (under its scrape lock); Kestrel forbids synchronous writes to the
            // response body, so the text is built in memory first. A scrape is a few kilobytes.
            using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
            exporter.WriteTo(text);
            context.Response.ContentType = PrometheusTextExporter.ContentType;
            var exposition = text.ToString();
            await context.Response.WriteAsync(node is null ? exposition : NodeLabel.Add(exposition, node), context.RequestAborted);
        });
}
