using System.CommandLine;
using ActorNet.Host.Commands.Status;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Tap;

/// <summary>
/// <c>actornet tap [--url URL] [--token T] [--source S]... [--quarantine] [--sink NAME] [--limit N]</c>: the records a
/// running ActorNet stores, as they arrive, one JSON object per line on standard output, from its live tail
/// (<c>/ws/tail</c>, fed by the sources' <c>websocket</c> sinks). Records only, or with <c>--quarantine</c> the
/// quarantined frames only (with their <c>reason</c> and <c>error</c>): the two are different shapes, and a script
/// reading one kind should not have to filter out the other.
/// </summary>
public static class TapCommand
{
    public static Command Create()
    {
        var url = StatusCommand.UrlOption();
        var token = StatusCommand.TokenOption();
        var source = new Option<string[]>("--source", "-s")
        {
            Description = "Only records of this source (repeat for several; default: every source)",
            HelpName = "NAME",
        };
        var quarantine = new Option<bool>("--quarantine", "-q")
        {
            Description = "Show the quarantined frames (those that could not be framed or parsed, with the reason) instead of the records",
        };
        var sink = new Option<string?>("--sink")
        {
            Description = "Only what this websocket sink publishes (default: every websocket sink)",
            HelpName = "NAME",
        };
        var limit = new Option<long?>("--limit", "-n") { Description = "Exit after printing N records (default: until Ctrl-C)", HelpName = "N" };
        limit.Validators.Add(result =>
        {
            if (result.GetValue(limit) is < 1) result.AddError("--limit: must be at least 1");
        });

        var command = new Command("tap", "Print the records a running ActorNet receives, live, as JSON lines (from its /ws/tail)");
        foreach (var option in new Option[] { url, token, source, quarantine, sink, limit }) command.Options.Add(option);
        command.SetAction(async (result, cancellation) =>
        {
            var options = new TapOptions(result.GetValue(url)!, StatusCommand.TokenOf(result, token),
                new HashSet<string>(result.GetValue(source) ?? [], StringComparer.Ordinal), result.GetValue(quarantine), result.GetValue(sink),
                result.GetValue(limit));
            using var signal = new TerminationSignal(cancellation);
            return await TapSession.RunAsync(options, Console.Out, Console.Error, signal.Token);
        });
        return command;
    }
}
