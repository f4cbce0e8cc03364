using System.Diagnostics;
using ActorNet.Host.Commands.Status;

namespace ActorNet.Host.Commands.Top;

/// <summary>
/// One <c>actornet top</c> run: poll the admin API every interval and show what changed. On a terminal the view is
/// redrawn in place until <c>q</c>, Ctrl-C or SIGTERM; otherwise (piped, redirected) each poll is printed as plain
/// text, one snapshot after another. <c>--iterations N</c> stops after N views in either mode.
///
/// Exit codes: 0 when stopped as asked; 1 when the first poll fails (nothing to show: the URL is wrong, nothing
/// listens there, or the token is refused). A poll that fails later keeps the last view and says why, on the view's
/// second line on a terminal and on standard error when piped, and the polling goes on: a restart of ActorNet
/// should not end a top someone is watching.
/// </summary>
public sealed class TopSession
{
    // Piped output has no screen height to fill; a snapshot shows this many connections.
    private const int PlainConnections = 10;

    private readonly TopOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly StatusClient _client;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TopSample? _previous;
    private TopView? _view;
    private string? _problem;

    private TopSession(TopOptions options, StatusClient client, TextWriter output, TextWriter error)
    {
        _options = options;
        _client = client;
        _output = output;
        _error = error;
    }

    /// <param name="terminal">Draw on a terminal (redraw in place, keys) rather than print snapshots.</param>
    public static async Task<int> RunAsync(TopOptions options, bool terminal, TextWriter output, TextWriter error, CancellationToken token)
    {
        using var client = new StatusClient(options.Url, options.Token);
        var session = new TopSession(options, client, output, error);
        return await session.RunAsync(terminal, token);
    }

    private async Task<int> RunAsync(bool terminal, CancellationToken token)
    {
        try
        {
            await PollAsync(token);
        }
        catch (StatusException e)
        {
            await _error.WriteLineAsync($"actornet top: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return 0;
        }

        if (!terminal) return await PrintAsync(token);
        using var screen = TopTerminal.Open();
        return await DrawAsync(screen, token);
    }

    private async Task<int> PrintAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(_options.Interval);
        var shown = 0;
        try
        {
            while (true)
            {
                foreach (var line in TopScreen.Lines(_view!, Title(interactive: false), _problem, PlainConnections))
                    await _output.WriteLineAsync(line);
                await _output.WriteLineAsync();
                await _output.FlushAsync(token);
                if (++shown == _options.Iterations) return 0;

                if (!await timer.WaitForNextTickAsync(token)) return 0;
                await PollOrExplainAsync(token, explain: problem => _error.WriteLineAsync($"actornet top: {problem}"));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return 0;
        }
    }

    private async Task<int> DrawAsync(TopTerminal screen, CancellationToken token)
    {
        // q ends a wait or a poll under way at once, as Ctrl-C does: a server that does not answer must not hold it up.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, screen.Quit);
        using var timer = new PeriodicTimer(_options.Interval);
        var shown = 0;
        try
        {
            while (true)
            {
                var (_, height) = TopTerminal.Size();
                var room = height - 1 - TopScreen.LinesWithoutConnections(_view!, _problem);
                screen.Draw(TopScreen.Lines(_view!, Title(interactive: true), _problem, room));
                if (++shown == _options.Iterations) return 0;

                if (!await timer.WaitForNextTickAsync(stop.Token)) return 0;
                await PollOrExplainAsync(stop.Token, explain: _ => Task.CompletedTask);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
    }

    private async Task PollOrExplainAsync(CancellationToken token, Func<string, Task> explain)
    {
        try
        {
            await PollAsync(token);
            _problem = null;
        }
        catch (StatusException e)
        {
            _problem = e.Message;
            await explain(e.Message);
        }
    }

    /// <summary>Fetches the three lists together and makes the view; throws <see cref="StatusException"/> when any fails.</summary>
    private async Task PollAsync(CancellationToken token)
    {
        var sources = _client.SourcesAsync(token);
        var sinks = _client.SinksAsync(token);
        var connections = _client.ConnectionsAsync(token);
        try
        {
            await Task.WhenAll(sources, sinks, connections);
        }
        catch (StatusException)
        {
            // WhenAll rethrows the first failure; the others (the same cause, as a rule) are observed here.
            _ = sources.Exception;
            _ = sinks.Exception;
            _ = connections.Exception;
            throw;
        }
        var sample = new TopSample(_clock.Elapsed, DateTime.UtcNow, sources.Result, sinks.Result, connections.Result);
        _view = TopView.From(_previous, sample);
        _previous = sample;
    }

    private string Title(bool interactive)
    {
        var every = TopFormat.Interval(_options.Interval);
        return interactive
            ? $"actornet top  {_options.Url}  {TopScreen.Time(_view!.Sample.TakenAt)}  every {every}  (q quits)"
            : $"actornet top  {_options.Url}  {TopScreen.Time(_view!.Sample.TakenAt)}  every {every}";
    }
}
