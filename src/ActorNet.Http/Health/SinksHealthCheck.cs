using ActorNet.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorNet.Http.Health;

/// <summary>
/// Ready while every sink can write (<see cref="Monitoring.SinkStatus.CanWrite"/>: false from a failed write or
/// failed probe until the next success). A sink that cannot write spools its batches until its spool is full, or
/// holds them, and its connections then run out of credits and stop reading: a load balancer should send peers
/// elsewhere. It names a sink and its state, never the
/// error: /health/ready needs no token, and a database's message can name its host, user and database. The error is
/// in <c>GET /api/sinks</c> (<c>lastError</c>), behind the admin token.
/// </summary>
internal sealed class SinksHealthCheck(ActorNetService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Only sinks some source feeds are started; one that is configured but unused never writes and never fails.
        var names = service.Settings.Sources.SelectMany(s => s.AllSinks).Distinct().Order(StringComparer.Ordinal).ToArray();
        var notReady = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var sink = service.Status.Sink(name);
            if (sink is null) notReady[name] = "starting";
            else if (!sink.CanWrite) notReady[name] = sink.State;
        }

        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy($"{names.Length} sink(s) can write")
            : HealthCheckResult.Unhealthy($"{notReady.Count} of {names.Length} sink(s) cannot write: {string.Join(", ", notReady.Keys)}",
                data: notReady));
    }
}
