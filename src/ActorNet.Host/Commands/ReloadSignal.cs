using System.Runtime.InteropServices;
using ActorNet.Hosting;

namespace ActorNet.Host.Commands;

/// <summary>
/// <c>kill -HUP</c> reloads the <c>--config</c> file, as with nginx, Vector or Fluent Bit, instead of .NET's default
/// for SIGHUP (terminate at once, without the drain: frames read but not yet stored would be lost). Registered
/// before the host starts, so that a SIGHUP during start-up does not kill the process either: the file may have
/// changed after start-up read it, so that reload runs as soon as ActorNet has started. SIGHUPs that come while a
/// reload runs wait for it, in order: the last one reads the file as it is last.
/// </summary>
public sealed class ReloadSignal : IDisposable
{
    private readonly FileInfo? _configFile;
    private readonly PosixSignalRegistration _hangUp;
    private readonly Lock _lock = new();
    private ActorNetService? _service;
    private bool _pendingBeforeStart;

    public ReloadSignal(FileInfo? configFile)
    {
        _configFile = configFile;
        _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangUp);
    }

    /// <summary>Tells ActorNet where to read its configuration again, and learns of the running service.</summary>
    public void Configure(ActorNetOptions options)
    {
        if (_configFile is { } file) options.ReloadFrom(() => ConfigLoader.Load(file));
        options.OnStarted(Started);
    }

    public void Dispose() => _hangUp.Dispose();

    private void Started(ActorNetService service)
    {
        lock (_lock)
        {
            _service = service;
            if (!_pendingBeforeStart) return;
        }
        Reload(service);
    }

    private void OnHangUp(PosixSignalContext context)
    {
        context.Cancel = true;
        ActorNetService? service;
        lock (_lock)
        {
            service = _service;
            if (service is null) _pendingBeforeStart = true;
        }
        if (service is null) Serilog.Log.ForContext<ReloadSignal>().Information("SIGHUP during start-up: the reload runs once ActorNet has started");
        else Reload(service);
    }

    // The service logs the outcome (applied, or rejected with its errors at Error level) and counts it.
    private static void Reload(ActorNetService service) => _ = Task.Run(() => service.ReloadAsync("SIGHUP", waitIfBusy: true));
}
