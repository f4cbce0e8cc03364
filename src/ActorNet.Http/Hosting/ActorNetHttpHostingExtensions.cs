using ActorNet.Configuration;
using ActorNet.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorNet.Http.Hosting;

public static class ActorNetHttpHostingExtensions
{
    /// <summary>
    /// Serves ActorNet's operations endpoints from a generic host, as <c>actornet run</c> does:
    /// <code>
    /// var http = builder.Services.AddActorNetHttp(settings.Http);
    /// builder.Services.AddAkka("actornet", akka => akka.WithActorNet(settings, options => options.OnStarted(http.Attach)));
    /// </code>
    /// The caller decides whether to call this (<see cref="HttpSettings.Enabled"/>).
    /// </summary>
    public static ActorNetHttpHost AddActorNetHttp(this IServiceCollection services, HttpSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Listening from now, before ActorNet starts, so that /metrics counts every connection and frame from the
        // first one (ActorNetService.Start asks for it too, when given these settings with enabled = on).
        _ = PrometheusTextExporter.Shared;
        var http = new ActorNetHttpHost();
        services.AddSingleton(http);
        services.AddHostedService(provider => new ActorNetHttpHostedService(http, settings, provider.GetRequiredService<ILoggerFactory>()));
        return http;
    }
}
