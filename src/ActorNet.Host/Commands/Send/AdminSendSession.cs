using System.Diagnostics;
using System.Text;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Send;

/// <summary>
/// One <c>send --connection ID</c> or <c>send --broadcast SOURCE</c> run: each payload (a line, or a generated
/// reading) is posted to the admin API as one request, which ActorNet frames in the source's framing; then a summary
/// on standard error. Nothing comes back over HTTP, so nothing is printed on standard output. Exit codes: 0 when
/// every payload was queued, 1 at the first one refused (one line saying why: 401, 404, 400 ...), 130 when interrupted.
/// </summary>
public static class AdminSendSession
{
    private const int Interrupted = 130;

    /// <param name="log">Where the error line and the summary go.</param>
    public static async Task<int> RunAsync(AdminSendTarget target, IAsyncEnumerable<string> payloads, double? rate, TextWriter log,
        CancellationToken token)
    {
        using var signal = new TerminationSignal(token);
        using var client = new AdminSendClient(target);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var reached = 0;
        string? failure = null;
        try
        {
            var paced = rate is { } perSecond ? new RatePacer(perSecond).PaceAsync(payloads, signal.Token) : payloads;
            await foreach (var payload in paced.WithCancellation(signal.Token))
            {
                reached = await client.PostAsync(Encoding.UTF8.GetBytes(payload), signal.Token);
                sent++;
            }
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
        }
        catch (AdminSendException e)
        {
            failure = e.Message;
        }

        var reach = target.Source is null || sent == 0 ? "" : $"; the last reached {reached} connection(s)";
        await log.WriteLineAsync($"sent {sent} frame(s) to {target} through {target.Url} ({clock.Elapsed.TotalSeconds:0.00} s){reach}");
        if (failure is not null)
        {
            await log.WriteLineAsync($"actornet send: {failure}");
            return 1;
        }
        return signal.Token.IsCancellationRequested ? Interrupted : 0;
    }
}
