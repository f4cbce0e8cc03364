using System.Runtime.InteropServices;

namespace ActorNet.Host.Commands.Tools;

/// <summary>
/// A token cancelled by Ctrl-C (SIGINT) or SIGTERM, or by the command action's own token. Program.cs leaves these
/// signals to the generic host that <c>run</c> starts (<c>ProcessTerminationTimeout = null</c>), so System.CommandLine
/// never cancels an action's token on them: a tool that runs until stopped registers its own.
/// </summary>
public sealed class TerminationSignal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public TerminationSignal(CancellationToken token)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the runtime's default (terminate at once) so that the tool stops its own way and exits 0.
        context.Cancel = true;
        _stop.Cancel();
    }
}
