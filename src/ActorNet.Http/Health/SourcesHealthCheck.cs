using ActorNet.Configuration;
using ActorNet.Monitoring;
using ActorNet.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorNet.Http.Health;

/// <summary>
/// Ready while every source of the given types is in a state <paramref name="isReady"/> accepts; names the others
/// and their states. Three instances: <see cref="Listeners"/>, <see cref="Files"/> and <see cref="Feeds"/>.
/// </summary>
internal sealed class SourcesHealthCheck(ActorNetService service, SourceType[] types, Func<string, bool> isReady, string noun, string ready, string notReady)
    : IHealthCheck
{
    /// <summary>Every tcp-listen and udp source listening: not yet while its actor starts, no longer once it drains.</summary>
    public static SourcesHealthCheck Listeners(ActorNetService service) =>
        new(service, [SourceType.TcpListen, SourceType.Udp], state => state == SourceStates.Listening, "listener", "bound", "not listening");

    /// <summary>Every file source following its path (state listening): not while it starts, drains or has stopped.</summary>
    public static SourcesHealthCheck Files(ActorNetService service) =>
        new(service, [SourceType.File], state => state == SourceStates.Listening, "file source", "following", "not following");

    /// <summary>
    /// No tcp-connect source stopped for good (gave up after reconnect.max-attempts, or stopped by its supervisor).
    /// A feed that is merely retrying stays ready: a vendor's server being down is not a reason to take ActorNet out
    /// of service (its state and last error are in /api/sources), but a feed that will never try again needs an operator.
    /// </summary>
    public static SourcesHealthCheck Feeds(ActorNetService service) =>
        new(service, [SourceType.TcpConnect], state => state is not (SourceStates.GaveUp or SourceStates.Stopped), "feed", "connected or retrying",
            "stopped for good");

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sources = service.Settings.Sources.Where(s => types.Contains(s.Type)).ToArray();
        var failing = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var state = service.Status.Source(source.Name)?.State ?? SourceStates.Starting;
            if (!isReady(state)) failing[source.Name] = state;
        }

        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy($"{sources.Length} {noun}(s) {ready}")
            : HealthCheckResult.Unhealthy($"{failing.Count} of {sources.Length} {noun}(s) {notReady}: {string.Join(", ", failing.Keys)}",
                data: failing));
    }
}
