using System.Runtime.InteropServices;
using ActorNet.Hosting;

namespace ActorNet.Host.Commands;

/// <summary>
/// <c>kill -HUP</c> reloads the <c>--config</c> file, as with nginx, Vector or Fluent Bit, instead of .NET's default
/// for SIGHUP (terminate at once, without the drain: frames read but not yet stored would be lost). Registered
/// before the host starts, so that a SIGHUP during start-up does not kill the process either (it is logged and
/// ignored). SIGHUPs that come while a reload runs wait for it, in order: the last one reads the file as it is last.
/// </summary>
public sealed class ReloadSignal : IDisposable
{
    private readonly FileInfo? _configFile;
    private readonly PosixSignalRegistration _hangUp;
    private volatile ActorNetService? _service;

    public ReloadSignal(FileInfo? configFile)
    {
        _configFile = configFile;
        _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangUp);
    }

    /// <summary>Tells ActorNet where to read its configuration again, and learns of the running service.</summary>
    public void Configure(ActorNetOptions options)
    {
        if (_configFile is { } file) options.ReloadFrom(() => ConfigLoader.Load(file));
        options.OnStarted(service => _service = service);
    }

    public void Dispose() => _hangUp.Dispose();

    private void OnHangUp(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_service is not { } service)
        {
            Serilog.Log.Warning("SIGHUP ignored: ActorNet has not started yet");
            return;
        }
        // The service logs the outcome (applied, or rejected with its errors at Error level) and counts it.
        _ = Task.Run(() => service.ReloadAsync("SIGHUP", waitIfBusy: true));
    }
}
