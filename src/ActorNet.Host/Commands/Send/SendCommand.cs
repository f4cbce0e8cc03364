using System.CommandLine;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.Send;

/// <summary>
/// <c>actornet send HOST:PORT</c>: a test client in the spirit of the network test apps used with microcontroller
/// boards. Sends frames, prints every frame that comes back on standard output and a summary on standard error.
/// <c>actornet send --connection ID</c> (or <c>--broadcast SOURCE</c>) sends through a running ActorNet's admin API to
/// its peers instead (<see cref="AdminSendOptions"/>).
/// </summary>
public static class SendCommand
{
    public static Command Create()
    {
        var target = new Argument<HostPort>("HOST:PORT")
        {
            Description = "Where to connect: a name or IPv4 address and a port (localhost:7000), or [IPv6]:port",
            CustomParser = HostPort.Parse,
            Arity = ArgumentArity.ZeroOrOne,
        };
        var framing = ToolFraming.CreateOption();
        var file = new Option<FileInfo>("--file", "-f") { Description = "Send the lines of this file (default: the lines of standard input)" };
        file.AcceptExistingOnly();
        var count = new Option<int?>("--count", "-n") { Description = "Send N generated readings {\"seq\":i,\"value\":...} instead of lines", HelpName = "N" };
        var rate = new Option<double?>("--rate", "-r") { Description = "Frames per second (default: as fast as the connection takes them)", HelpName = "R" };
        var wait = DurationOption.WithDefault("--wait", "After the last frame, keep printing replies this long (ends early if the server closes)", "1s");

        count.Validators.Add(result =>
        {
            if (result.GetValue(count) is < 1) result.AddError("--count: must be at least 1");
        });
        rate.Validators.Add(result =>
        {
            if (result.GetValue(rate) is { } value && !(value > 0 && double.IsFinite(value)))
                result.AddError($"--rate: {value} is not a positive number of frames per second");
        });

        var command = new Command("send", "Send frames to a TCP server and print the frames it sends back (a test client), or to ActorNet's peers through its admin API");
        command.Arguments.Add(target);
        command.Options.Add(framing);
        command.Options.Add(file);
        command.Options.Add(count);
        command.Options.Add(rate);
        command.Options.Add(wait.Option);
        var viaApi = AdminSendOptions.AddTo(command, target, framing, wait.Option);
        command.Validators.Add(result =>
        {
            if (result.GetValue(file) is not null && result.GetValue(count) is not null)
                result.AddError("--file and --count: give one (--file sends a file's lines, --count generated readings)");
        });
        command.SetAction((result, token) =>
        {
            var payloads = result.GetValue(count) is { } n ? OutgoingPayloads.Readings(n)
                : result.GetValue(file) is { } path ? OutgoingPayloads.FileLines(path)
                : OutgoingPayloads.StandardInputLines();
            if (viaApi.Target(result) is { } peers) return AdminSendSession.RunAsync(peers, payloads, result.GetValue(rate), Console.Error, token);
            var options = new SendOptions(result.GetValue(target), ToolFraming.Settings(result.GetValue(framing)!), payloads,
                result.GetValue(rate), wait.GetValue(result)!.Value);
            return SendSession.RunAsync(options, Console.Out, Console.Error, token);
        });
        return command;
    }
}
