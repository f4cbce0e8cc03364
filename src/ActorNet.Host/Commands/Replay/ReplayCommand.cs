using System.CommandLine;
using ActorNet.Configuration;
using ActorNet.Host.Logging;
using ActorNet.Hosting;
using ActorNet.Hosting.Replay;
using Serilog;
using Serilog.Extensions.Logging;

namespace ActorNet.Host.Commands.Replay;

/// <summary>
/// <c>actornet replay DIR --config FILE [--source NAME] [--speed 1x|10x|max] [--connection ID]</c>: feeds a recording's
/// reads through the configured source's framing, parser and sinks, with their recorded boundaries and receivedAt.
/// Exit codes: 0 replayed (torn tails are reported on stderr), 1 invalid configuration or arguments, 2 no recording.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("DIR") { Description = "A recording directory (record.dir, or one source's directory under it)" };
        var config = new Option<FileInfo>("--config", "-c") { Description = "HOCON file whose sources' framing, parser and sinks the replay uses", Required = true };
        var source = new Option<string?>("--source") { Description = "Replay only this source's recording" };
        var speed = new Option<string>("--speed") { Description = "1x (recorded timing), 10x (any Nx), or max (as fast as the sinks take it)", DefaultValueFactory = _ => "max" };
        var connection = new Option<long?>("--connection") { Description = "Replay only this recorded connection id" };
        var command = new Command("replay", "Replay a recording through the configured source's framing, parser and sinks");
        command.Arguments.Add(dir);
        command.Options.Add(config);
        command.Options.Add(source);
        command.Options.Add(speed);
        command.Options.Add(connection);
        command.SetAction((result, token) => RunAsync(result.GetValue(dir)!, result.GetValue(config)!, result.GetValue(source),
            result.GetValue(speed)!, result.GetValue(connection), token));
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo dir, FileInfo configFile, string? source, string speedText, long? connection,
        CancellationToken token)
    {
        if (!ReplaySpeed.TryParse(speedText, out var speed))
        {
            await Console.Error.WriteLineAsync($"--speed: \"{speedText}\" is not valid; expected 1x, 10x (any positive Nx) or max");
            return 1;
        }
        if (!dir.Exists)
        {
            await Console.Error.WriteLineAsync($"DIR: \"{dir.FullName}\" does not exist; expected a recording directory");
            return 2;
        }
        ActorNetSettings settings;
        try
        {
            settings = ActorNetSettings.Create(ConfigLoader.Load(configFile));
        }
        catch (InvalidConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        Log.Logger = HostLogger.Create(settings.Log);
        try
        {
            using var loggerFactory = new SerilogLoggerFactory(Log.Logger);
            var options = new ActorNetOptions().UseLoggerFactory(loggerFactory);
            var result = await RecordingReplay.RunAsync(settings, options, dir.FullName, new ReplayOptions(source, speed, connection), token);
            foreach (var torn in result.TornTails)
                await Console.Error.WriteLineAsync($"torn tail: {torn.File} at byte {torn.Offset} ({torn.Reason}); replayed up to the record before it");
            if (result.Sources.Count == 0)
            {
                await Console.Error.WriteLineAsync($"no recorded reads in {dir.FullName}{(source is null ? "" : $" for source {source}")}");
                return 2;
            }
            await Console.Out.WriteLineAsync(
                $"replayed {result.Reads} reads ({result.Bytes} bytes) of {result.Connections} connections of {string.Join(", ", result.Sources)}");
            return 0;
        }
        catch (InvalidConfigurationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
