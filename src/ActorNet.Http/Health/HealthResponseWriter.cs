using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorNet.Http.Health;

/// <summary>
/// Writes a health report as JSON that names what is not ready:
/// <code>
/// {"status":"unhealthy","checks":[{"name":"sinks","status":"unhealthy","description":"1 of 2 sink(s) cannot write: db",
///   "notReady":{"db":"failing"}}, ...]}
/// </code>
/// (the framework's default writer sends only the word <c>Unhealthy</c>). Names and states only: the endpoint needs
/// no token, so no exception message goes out (the health check service logs a check that throws).
/// </summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", Word(report.Status));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", Word(entry.Status));
            // For a check that threw, the framework puts the exception's message in the description.
            if (entry.Exception is { } exception) json.WriteString("error", $"the check threw {exception.GetType().Name}");
            else if (entry.Description is { } description) json.WriteString("description", description);
            if (entry.Data.Count > 0)
            {
                json.WriteStartObject("notReady");
                foreach (var (item, why) in entry.Data) json.WriteString(item, why.ToString());
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
