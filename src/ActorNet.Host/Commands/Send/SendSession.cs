using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorNet.Framing;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Send;

/// <summary>
/// One <c>send</c> run: connect, print replies as they come while the frames go out, keep printing for the wait,
/// then a summary. Exit codes: 0 when every frame was sent, 1 when the connection failed or was lost (or replies
/// could not be framed), 130 when interrupted.
/// </summary>
public sealed class SendSession
{
    private const int Interrupted = 130;

    private readonly SendOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _log;
    private readonly TerminalProgress _progress;
    private int _sent;
    private int _received;

    private SendSession(SendOptions options, TextWriter output, TextWriter log)
    {
        _options = options;
        // On a terminal a progress line counts the frames sent; replies and errors are printed above it.
        _progress = TerminalProgress.OnStandardError(log, "sending", "frames");
        _output = _progress.Above(output);
        _log = _progress.Above(log);
    }

    /// <param name="output">Where replies go, one frame per line.</param>
    /// <param name="log">Where errors and the summary go.</param>
    public static Task<int> RunAsync(SendOptions options, TextWriter output, TextWriter log, CancellationToken token) =>
        new SendSession(options, output, log).RunAsync(token);

    private async Task<int> RunAsync(CancellationToken token)
    {
        var target = _options.Target;
        using var progress = _progress;
        using var signal = new TerminationSignal(token);
        // A dual-mode socket reaches both IPv4 and IPv6 addresses; ConnectAsync tries each address a name resolves to.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.Host, target.Port, signal.Token);
        }
        catch (SocketException e)
        {
            await _log.WriteLineAsync($"actornet send: cannot connect to {target}: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return Interrupted;
        }

        var clock = Stopwatch.StartNew();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(signal.Token);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(signal.Token);
        var receiving = ReceiveAsync(stream, stopReceiving.Token);
        var sending = SendAllAsync(stream, stopSending.Token);

        string? failure;
        if (await Task.WhenAny(sending, receiving) == receiving && !sending.IsCompleted && await receiving is { } gone)
        {
            // The server closed (or spoke another framing) while frames were still going out: sending on is pointless.
            await stopSending.CancelAsync();
            await sending;
            failure = $"stopped sending: {target} {gone}";
        }
        else
        {
            failure = await sending;
            if (failure is null && !signal.Token.IsCancellationRequested)
            {
                await Task.WhenAny(receiving, Task.Delay(_options.Wait, signal.Token));
                // A server that closes once it has answered is fine; replies that cannot be framed are not.
                if (receiving.IsCompleted && await receiving is { } end && !end.StartsWith("closed", StringComparison.Ordinal))
                    failure = $"{target} {end}";
            }
        }

        await stopReceiving.CancelAsync();
        var ending = await receiving;
        var closedNote = ending is null ? "" : $"; {target} {ending}";
        progress.Dispose();
        await _log.WriteLineAsync(
            $"sent {_sent} frame(s), received {_received} frame(s) ({target}, {clock.Elapsed.TotalSeconds:0.00} s){closedNote}");

        if (failure is not null)
        {
            await _log.WriteLineAsync($"actornet send: {failure}");
            return 1;
        }
        return signal.Token.IsCancellationRequested ? Interrupted : 0;
    }

    /// <summary>Null once every frame was sent (or the session was stopped); otherwise why sending failed.</summary>
    private async Task<string?> SendAllAsync(NetworkStream stream, CancellationToken token)
    {
        var encoder = _options.Framing.CreateEncoder();
        var payloads = _options.Rate is { } rate ? new RatePacer(rate).PaceAsync(_options.Payloads, token) : _options.Payloads;
        try
        {
            await foreach (var payload in payloads.WithCancellation(token))
            {
                byte[] frame;
                try
                {
                    frame = encoder.Frame(Encoding.UTF8.GetBytes(payload));
                }
                catch (ArgumentException e)
                {
                    return $"frame {_sent + 1} cannot be framed: {e.Message}";
                }
                await stream.WriteAsync(frame, token);
                _sent++;
                _progress.Add();
            }
            return null;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
        catch (IOException e)
        {
            return $"lost the connection to {_options.Target} after {_sent} frame(s): {e.InnerException?.Message ?? e.Message}";
        }
    }

    /// <summary>Prints replies until the server closes (returns how) or the session stops reading (returns null).</summary>
    private async Task<string?> ReceiveAsync(NetworkStream stream, CancellationToken token)
    {
        var reader = new FrameReader(stream, _options.Framing.CreateDecoder());
        try
        {
            await foreach (var frame in reader.ReadAllAsync(OnRejected, token))
            {
                Interlocked.Increment(ref _received);
                await _output.WriteLineAsync(FrameEncoding.AsLine(frame));
            }
            return "closed the connection";
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return "closed the connection (reset)";
        }
        catch (IOException e)
        {
            return $"closed the connection ({e.InnerException?.Message ?? e.Message})";
        }
        catch (InvalidDataException e)
        {
            return $"sent a reply that cannot be framed: {e.Message}";
        }
    }

    private void OnRejected(FrameError error) => _log.WriteLine($"actornet send: a reply was dropped: {error.Describe()}");
}
