using System.CommandLine;
using ActorNet.Host.Commands.Status;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Top;

/// <summary>
/// <c>actornet top [--url URL] [--token T] [--interval 1s] [--iterations N]</c>: a live view of a running ActorNet's
/// sources, sinks and busiest connections, from its admin API, as <c>vector top</c> shows Vector's components.
/// </summary>
public static class TopCommand
{
    public static Command Create()
    {
        var url = StatusCommand.UrlOption();
        var token = StatusCommand.TokenOption();
        var interval = DurationOption.WithDefault("--interval", "Time between two polls of the admin API", "1s");
        var iterations = new Option<int?>("--iterations", "-n")
        {
            Description = "Show this many views, then exit (default: until q or Ctrl-C)",
            HelpName = "N",
        };

        interval.Option.Validators.Add(result =>
        {
            if (interval.GetValue(result) is { } value && value < TimeSpan.FromMilliseconds(100))
                result.AddError($"--interval: {TopFormat.Interval(value)} is too short; expected 100ms or more");
        });
        iterations.Validators.Add(result =>
        {
            if (result.GetValue(iterations) is < 1) result.AddError("--iterations: must be at least 1");
        });

        var command = new Command("top", "Watch a running ActorNet's sources, sinks and busiest connections live (through its admin API)");
        command.Options.Add(url);
        command.Options.Add(token);
        command.Options.Add(interval.Option);
        command.Options.Add(iterations);
        command.SetAction(async (result, cancellation) =>
        {
            var options = new TopOptions(result.GetValue(url)!, StatusCommand.TokenOf(result, token), interval.GetValue(result)!.Value,
                result.GetValue(iterations));
            using var signal = new TerminationSignal(cancellation);
            return await TopSession.RunAsync(options, TopTerminal.Available, Console.Out, Console.Error, signal.Token);
        });
        return command;
    }
}
