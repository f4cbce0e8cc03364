using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace ActorNet.Host.Hosting;

/// <summary>
/// systemd's <c>Type=notify</c>: <c>READY=1</c> once the host has started, which is once every hosted service has
/// started (ActorNet bound every listener in Akka.Hosting's start, the HTTP server bound its port in its
/// <c>StartedAsync</c>), and <c>STOPPING=1</c> when the drain begins. Until READY=1, <c>systemctl start</c> waits and
/// units ordered <c>After=actornet.service</c> stay queued, so nothing is told ActorNet is up before its ports are.
/// </summary>
public static class SystemdNotification
{
    private const string NotifySocket = "NOTIFY_SOCKET";

    /// <summary>
    /// Uses <see cref="SystemdLifetime"/> whenever <c>NOTIFY_SOCKET</c> is set, that is whenever a service manager
    /// waits for the notification. <c>AddSystemd()</c> of Microsoft.Extensions.Hosting.Systemd 10.0 takes systemd
    /// only as the direct parent process (or PID 1 in a container): started through a wrapper (<c>prlimit</c>,
    /// <c>sh -c</c>, <c>runuser</c>) ActorNet would never send READY=1 and systemd would kill it after
    /// <c>TimeoutStartSec</c>. Without <c>NOTIFY_SOCKET</c> the console lifetime stays (Ctrl-C and SIGTERM drain);
    /// SystemdLifetime drains on SIGTERM, the only signal systemd stops a service with.
    /// </summary>
    public static IServiceCollection AddSystemdNotification(this IServiceCollection services)
    {
        if (!OperatingSystem.IsLinux() || string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NotifySocket))) return services;
        services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
        return services;
    }
}
