using ActorNet.Configuration;
using ActorNet.Monitoring;
using ActorNet.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorNet.Http.Health;

/// <summary>
/// Not ready while a tcp-connect source has stopped for good: it gave up (reconnect.max-attempts) or its actor
/// was stopped by its supervisor. A feed that is merely backing off stays ready: a vendor's server being down is
/// not a reason to take ActorNet out of service (its state and last error are in /api/sources), but a feed that
/// will never try again needs an operator.
/// </summary>
internal sealed class FeedsHealthCheck(ActorNetService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var feeds = service.Settings.Sources.Where(s => s.Type == SourceType.TcpConnect).ToArray();
        var notReady = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var feed in feeds)
        {
            var state = service.Status.Source(feed.Name)?.State ?? SourceStates.Starting;
            if (state is SourceStates.GaveUp or SourceStates.Stopped) notReady[feed.Name] = state;
        }

        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy($"{feeds.Length} feed(s) connected or retrying")
            : HealthCheckResult.Unhealthy($"{notReady.Count} of {feeds.Length} feed(s) stopped for good: {string.Join(", ", notReady.Keys)}",
                data: notReady));
    }
}
