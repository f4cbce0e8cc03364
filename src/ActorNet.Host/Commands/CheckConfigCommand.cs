using System.CommandLine;
using ActorNet.Configuration;

namespace ActorNet.Host.Commands;

/// <summary><c>actornet check-config FILE</c>: prints the effective configuration (exit 0) or every error (exit 1).</summary>
public static class CheckConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "HOCON file overlaid on the embedded reference configuration" };
        var command = new Command("check-config", "Validate a configuration file and print the effective configuration");
        command.Arguments.Add(file);
        command.SetAction(result => Run(result.GetValue(file)!));
        return command;
    }

    private static int Run(FileInfo file)
    {
        try
        {
            var config = ConfigLoader.Load(file);
            var settings = ActorNetSettings.Create(config);
            Console.Out.Write(HoconPrinter.Print(config, "actornet"));
            Console.Out.WriteLine($"# valid: {settings.Sources.Count} source(s), {settings.Sinks.Count} sink(s)");
            return 0;
        }
        catch (InvalidConfigurationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
