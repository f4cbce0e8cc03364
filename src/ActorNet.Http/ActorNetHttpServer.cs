using System.Net;
using System.Net.Sockets;
using ActorNet.Configuration;
using ActorNet.Http.Dashboard;
using ActorNet.Metrics;
using ActorNet.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorNet.Http;

/// <summary>
/// The operations endpoints of one running <see cref="ActorNetService"/> on a Kestrel server of their own, bound to
/// <c>actornet.http.host</c>:<c>port</c>. Kept apart from any web application the embedding program may run, so
/// that its middleware (authentication, exception pages) never changes what /metrics and /health answer.
/// </summary>
public sealed class ActorNetHttpServer : IAsyncDisposable
{
    // What a browser may call a loopback server. A page of a DNS-rebinding domain (evil.example, re-resolved to
    // 127.0.0.1) reaches the port, but its requests carry Host: evil.example and are refused, as are requests with
    // no Host or an empty one.
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly WebApplication _app;
    private readonly ILogger _log;
    private bool _stopped;

    private ActorNetHttpServer(WebApplication app, Uri address, ILogger log)
    {
        _app = app;
        Address = address;
        _log = log;
    }

    /// <summary>Where the server listens, with the port actually bound (the one the kernel chose for port 0).</summary>
    public Uri Address { get; }

    /// <summary>Binds and starts serving; fails, naming the address, when it cannot bind.</summary>
    /// <param name="exporter">
    /// The exporter /metrics writes; null for <see cref="PrometheusTextExporter.Shared"/>, which
    /// <see cref="ActorNetService.Start"/> started before ActorNet's first actor when <c>actornet.http.enabled</c>.
    /// An exporter created later counts only what happens after it starts listening.
    /// </param>
    /// <param name="loggerFactory">Where the server's own log events and Kestrel's go; null discards them.</param>
    /// <exception cref="InvalidConfigurationException">The address cannot be bound.</exception>
    public static Task<ActorNetHttpServer> StartAsync(ActorNetService service, HttpSettings settings,
        PrometheusTextExporter? exporter = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        StartAsync(service, settings, exporter, loggerFactory, LiveTailLimits.Default, cancellationToken);

    /// <param name="tailLimits">Bounds of <c>/ws/tail</c>; specs make them small.</param>
    internal static async Task<ActorNetHttpServer> StartAsync(ActorNetService service, HttpSettings settings,
        PrometheusTextExporter? exporter, ILoggerFactory? loggerFactory, LiveTailLimits tailLimits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        loggerFactory ??= NullLoggerFactory.Instance;

        // Args and content root are ActorNet's own: the slim builder would otherwise read the process's command line
        // (actornet's options) as configuration.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        // An instance registration: the container does not dispose a factory it was given.
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, settings));
        builder.Services.AddActorNetEndpoints(service);
        builder.Services.AddSingleton(tailLimits);
        var allowedHosts = AllowedHosts(settings);
        if (allowedHosts is not null)
        {
            builder.Services.AddHostFiltering(options =>
            {
                options.AllowedHosts = allowedHosts;
                // The filter admits a missing Host (HTTP/1.0) or an empty one (HTTP/1.1 allows it) by default: such a
                // request names no host the filter could check, so the promise that only loopback names are answered
                // would not hold. Refused on every endpoint, /metrics and /health/* too, as a foreign host is (400):
                // browsers, curl, Prometheus and kubelet probes all send a Host.
                options.AllowEmptyHosts = false;
            });
        }

        // From here on the app owns what the container created (the dashboard's sampler among them): disposing it,
        // as a failed start does, releases them.
        var app = builder.Build();
        if (allowedHosts is not null) app.UseHostFiltering();
        app.UseRouting();
        app.UseWebSockets();
        app.UseActorNetAdminToken(settings);
        app.MapActorNet(service, settings, exporter ?? PrometheusTextExporter.Shared);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidConfigurationException([$"actornet.http: cannot listen on {settings.Host}:{settings.Port}: {e.Message}"]);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // After start, the addresses are the bound ones: port 0 has been replaced by the port the kernel chose.
        var address = new Uri(app.Urls.First());
        var log = loggerFactory.CreateLogger(ActorNet.Configuration.LogCategories.Http);
        HttpLog.Listening(log, address, settings.RequiresToken ? "required for /api" : "not set");
        return new ActorNetHttpServer(app, address, log);
    }

    /// <summary>Stops accepting requests and lets those in progress finish, within <paramref name="cancellationToken"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        HttpLog.Stopped(_log, Address);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The Host header values a server bound to loopback answers (any port: the filter ignores it), and null for
    /// any other address: an operator who binds 0.0.0.0 or a LAN address reaches the server by names ActorNet
    /// cannot know (and should set an admin token).
    /// </summary>
    internal static string[]? AllowedHosts(HttpSettings settings)
    {
        if (settings.Host is "localhost" or "") return LoopbackNames;
        if (!IPAddress.TryParse(settings.Host, out var address) || !IPAddress.IsLoopback(address)) return null;
        var bound = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return LoopbackNames.Contains(bound) ? LoopbackNames : [.. LoopbackNames, bound];
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, HttpSettings settings)
    {
        switch (settings.Host)
        {
            // Kestrel's ListenLocalhost binds 127.0.0.1 and ::1 but cannot choose a free port for both; port 0 on
            // localhost takes 127.0.0.1 alone. An empty host (which the settings accept) stays on loopback too.
            case "localhost" when settings.Port != 0:
                kestrel.ListenLocalhost(settings.Port);
                break;
            case "localhost" or "":
                kestrel.Listen(IPAddress.Loopback, settings.Port);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(settings.Host), settings.Port);
                break;
        }
    }
}
