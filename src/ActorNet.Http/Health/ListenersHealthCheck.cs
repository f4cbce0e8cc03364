using ActorNet.Configuration;
using ActorNet.Monitoring;
using ActorNet.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorNet.Http.Health;

/// <summary>
/// Ready while every tcp-listen source is listening: not yet while its actor starts, no longer once it drains.
/// Outbound feeds have their own check (<see cref="FeedsHealthCheck"/>).
/// </summary>
internal sealed class ListenersHealthCheck(ActorNetService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var listeners = service.Settings.Sources.Where(s => s.Type == SourceType.TcpListen).ToArray();
        var notReady = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            var state = service.Status.Source(listener.Name)?.State ?? SourceStates.Starting;
            if (state != SourceStates.Listening) notReady[listener.Name] = state;
        }

        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy($"{listeners.Length} listener(s) bound")
            : HealthCheckResult.Unhealthy($"{notReady.Count} of {listeners.Length} listener(s) not listening: {string.Join(", ", notReady.Keys)}",
                data: notReady));
    }
}
