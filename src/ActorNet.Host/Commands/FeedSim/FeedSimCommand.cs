using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using ActorNet.Host.Commands.Tools;

namespace ActorNet.Host.Commands.FeedSim;

/// <summary>
/// <c>actornet feed-sim --port P</c>: a vendor's feed to point ActorNet's tcp-connect sources at. Streams generated
/// records to every client, prints what clients send on standard output and what happens on standard error, and
/// drops or stalls connections on request. Runs until Ctrl-C or SIGTERM, then exits 0.
/// </summary>
public static class FeedSimCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on (0: any free port, printed when listening)", Required = true };
        var host = new Option<IPAddress>("--host")
        {
            Description = "Loopback address to listen on: 127.0.0.1, ::1 or localhost",
            HelpName = "ADDRESS",
            DefaultValueFactory = _ => IPAddress.Loopback,
            CustomParser = ParseLoopback,
        };
        var records = new Option<string>("--records") { Description = "What to send: sensors or ticks", DefaultValueFactory = _ => FeedRecords.Sensors };
        records.AcceptOnlyFromAmong(FeedRecords.Sensors, FeedRecords.Ticks);
        var framing = ToolFraming.CreateOption();
        var rate = new Option<double>("--rate", "-r") { Description = "Records per second to each client", HelpName = "R", DefaultValueFactory = _ => 10 };
        var dropEvery = DurationOption.Optional("--drop-every", "Reset (RST) each client connection this long after it was accepted, e.g. 10s");
        var dropMidFrame = new Option<bool>("--drop-mid-frame") { Description = "Before each reset, write the first half of a frame (needs --drop-every)" };
        var stallAfter = DurationOption.Optional("--stall-after", "Go silent this long after a client connects, keeping its connection open, e.g. 5s");

        port.Validators.Add(result =>
        {
            if (result.GetValue(port) is < 0 or > 65535) result.AddError($"--port: {result.GetValue(port)} is not a port; expected 0 to 65535");
        });
        rate.Validators.Add(result =>
        {
            var value = result.GetValue(rate);
            if (!(value > 0 && double.IsFinite(value))) result.AddError($"--rate: {value} is not a positive number of records per second");
        });
        dropEvery.Option.Validators.Add(result =>
        {
            if (dropEvery.GetValue(result) is { } value && value <= TimeSpan.Zero) result.AddError("--drop-every: must be longer than 0");
        });

        var command = new Command("feed-sim", "Serve a simulated vendor feed on a loopback port, for trying tcp-connect sources (a test server)");
        foreach (var option in new Option[] { port, host, records, framing, rate, dropEvery.Option, dropMidFrame, stallAfter.Option })
        {
            command.Options.Add(option);
        }
        command.Validators.Add(result =>
        {
            if (result.GetValue(dropMidFrame) && dropEvery.GetValue(result) is null)
                result.AddError("--drop-mid-frame: only means something with --drop-every (when to drop)");
        });
        command.SetAction((result, token) => RunAsync(new FeedSimOptions(
            result.GetValue(host)!,
            result.GetValue(port),
            result.GetValue(records)!,
            ToolFraming.Settings(result.GetValue(framing)!),
            result.GetValue(rate),
            dropEvery.GetValue(result),
            result.GetValue(dropMidFrame),
            stallAfter.GetValue(result)), token));
        return command;
    }

    private static async Task<int> RunAsync(FeedSimOptions options, CancellationToken token)
    {
        using var progress = TerminalProgress.OnStandardError(Console.Error, "feed-sim", "records sent");
        var log = new FeedSimLog(Console.Error, progress);
        using var signal = new TerminationSignal(token);
        FeedServer server;
        try
        {
            server = FeedServer.Listen(options, log, progress.Above(Console.Out));
        }
        catch (SocketException e)
        {
            log.CannotListen(new IPEndPoint(options.Address, options.Port), e.Message);
            return 1;
        }

        using (server)
        {
            log.Listening(server.LocalEndPoint, options);
            await server.RunAsync(signal.Token);
        }
        return 0;
    }

    private static IPAddress ParseLoopback(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (text == "localhost") return IPAddress.Loopback;
        if (IPAddress.TryParse(text, out var address) && IPAddress.IsLoopback(address)) return address;
        result.AddError($"--host: \"{text}\" is not a loopback address; feed-sim listens on 127.0.0.1, ::1 or localhost only");
        return IPAddress.Loopback;
    }
}
