using ActorNet.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Http.Hosting;

/// <summary>
/// Runs <see cref="ActorNetHttpServer"/> in a generic host. It starts once every hosted service has started (so
/// after Akka.Hosting has started ActorNet, whatever the registration order) and stops once every one has stopped
/// (so /metrics and /health stay up through ActorNet's drain, and readiness reports the draining listeners).
/// </summary>
internal sealed class ActorNetHttpHostedService(ActorNetHttpHost http, HttpSettings settings, ILoggerFactory loggerFactory)
    : IHostedLifecycleService, IAsyncDisposable
{
    // ActorNet starts inside Akka.Hosting's StartAsync; by StartedAsync it has called Attach, unless it failed to start.
    private static readonly TimeSpan AttachBound = TimeSpan.FromSeconds(30);

    private ActorNetHttpServer? _server;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var service = await http.Service.WaitAsync(AttachBound, cancellationToken).ConfigureAwait(false);
            _server = await ActorNetHttpServer.StartAsync(service, settings, exporter: null, loggerFactory, cancellationToken).ConfigureAwait(false);
            http.Listening(_server.Address);
        }
        catch (TimeoutException e)
        {
            var error = new InvalidOperationException(
                $"ActorNet did not start within {AttachBound.TotalSeconds} s, or ActorNetOptions.OnStarted was not given ActorNetHttpHost.Attach", e);
            http.Failed(error);
            throw error;
        }
        catch (Exception e)
        {
            http.Failed(e);
            throw;
        }
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync().ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
